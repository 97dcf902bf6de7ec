package io.devflow.dr.crypto;

/**
 * A data key encrypted by a key provider, as stored in a backup's manifest.
 *
 * @param provider {@code local} or {@code aws-kms}
 * @param keyId the key that wrapped it
 * @param ciphertext base64 of the wrapped key
 * @param keyCheck local provider: the {@link KeyMaterial#checkValue() check value} of the wrapping key, so a
 *                 keyring holding other material under that id is recognised as the wrong key; null with KMS
 *                 and for keys wrapped before it was recorded
 */
public record WrappedKey(String provider, String keyId, String ciphertext, String keyCheck) {

    public WrappedKey(String provider, String keyId, String ciphertext) {
        this(provider, keyId, ciphertext, null);
    }
}
