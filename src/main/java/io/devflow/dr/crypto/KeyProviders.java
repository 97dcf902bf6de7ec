package io.devflow.dr.crypto;

import io.devflow.dr.config.EncryptionConfig;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.time.Clock;

/** Builds the key provider the configuration names. */
public final class KeyProviders {

    private KeyProviders() {
    }

    public static KeyProvider create(EncryptionConfig config) {
        return switch (config.provider()) {
            case LOCAL -> config.masterKey().isPresent()
                    ? LocalKeyProvider.fromMasterKey(config.keyId().orElseThrow(), config.masterKey().get().reveal())
                    : LocalKeyProvider.fromKeyringFile(config.keyFile().orElseThrow(), config.keyId().orElse(null));
            case AWS_KMS -> new AwsKmsKeyProvider(kmsClient(config), config.keyId().orElseThrow(),
                    config.allowedKeyIds());
        };
    }

    /** A KMS client for the configured region and endpoint, with the default AWS credential chain. */
    public static KmsClient kmsClient(EncryptionConfig config) {
        var builder = KmsClient.builder()
                .region(Region.of(config.kmsRegion()))
                .httpClientBuilder(ApacheHttpClient.builder());
        config.kmsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Creates a local keyring for {@code dr keys init}. */
    public static LocalKeyring initKeyring(EncryptionConfig config, Clock clock) {
        return LocalKeyring.create(config.keyFile().orElseThrow(() -> new LocalKeyring.KeyringException(
                "encryption.keyFile is not configured; 'dr keys init' creates the keyring file it names")), clock);
    }
}
