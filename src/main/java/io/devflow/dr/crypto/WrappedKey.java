package io.devflow.dr.crypto;

/**
 * A data key encrypted by a key provider, as stored in a backup's manifest.
 *
 * @param provider {@code local} or {@code aws-kms}
 * @param keyId the key that wrapped it
 * @param ciphertext base64 of the wrapped key
 */
public record WrappedKey(String provider, String keyId, String ciphertext) {
}
