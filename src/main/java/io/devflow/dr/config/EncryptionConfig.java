package io.devflow.dr.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Envelope encryption of backups.
 *
 * @param provider who wraps data keys: the local keyring or AWS KMS
 * @param keyId the wrapping key: a KMS key id, ARN or alias; for the local provider a key of the keyring
 *              (empty: the keyring's primary key)
 * @param keyFile local provider: the keyring file written by {@code dr keys init}
 * @param masterKey local provider: a base64 master key given directly, usually {@code ${env:NAME}}
 * @param kmsEndpoint aws-kms: endpoint override (VPC endpoint or a KMS-compatible service)
 * @param kmsRegion aws-kms: the key's region
 * @param allowedKeyIds aws-kms: keys besides {@code keyId} whose data keys may be opened (older keys after a
 *                      rotation); no other key is ever asked to decrypt
 */
public record EncryptionConfig(
        KeyProviderKind provider,
        Optional<String> keyId,
        Optional<Path> keyFile,
        Optional<Secret> masterKey,
        Optional<URI> kmsEndpoint,
        String kmsRegion,
        List<String> allowedKeyIds) {

    public EncryptionConfig {
        allowedKeyIds = List.copyOf(allowedKeyIds);
    }

    /** A configuration that allows no key but {@code keyId}. */
    public EncryptionConfig(KeyProviderKind provider, Optional<String> keyId, Optional<Path> keyFile,
                            Optional<Secret> masterKey, Optional<URI> kmsEndpoint, String kmsRegion) {
        this(provider, keyId, keyFile, masterKey, kmsEndpoint, kmsRegion, List.of());
    }
}
