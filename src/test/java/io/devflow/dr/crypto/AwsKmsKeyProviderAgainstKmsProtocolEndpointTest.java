package io.devflow.dr.crypto;

import com.google.crypto.tink.StreamingAead;
import io.devflow.dr.config.EncryptionConfig;
import io.devflow.dr.config.KeyProviderKind;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.testing.KmsProtocolTestEndpoint;
import io.devflow.dr.testing.KmsProtocolTestEndpoint.Outage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AwsKmsKeyProvider} with the real AWS SDK KmsClient over HTTP, against {@link KmsProtocolTestEndpoint}:
 * a test double of the KMS wire protocol that really wraps data keys with AES-GCM (no KMS server is available
 * here). It proves the envelope round trip, the binding of a wrapped key to its backup, and how KMS failures
 * surface; it cannot prove compatibility with AWS's own key policies or SigV4 checks.
 */
class AwsKmsKeyProviderAgainstKmsProtocolEndpointTest {

    private static final String BACKUP_ID = "20250101T000000Z-full-a1b2";
    private static final String OTHER_BACKUP_ID = "20250102T000000Z-full-c3d4";
    private static final KeyContext BACKUP = KeyContext.backup(BACKUP_ID, "mongodb", "us-east-1", "devflow-prod");
    private static final KeyContext OTHER_BACKUP = KeyContext.backup(OTHER_BACKUP_ID, "mongodb", "us-east-1", "devflow-prod");

    KmsProtocolTestEndpoint kms;
    KmsClient client;
    String keyId;
    AwsKmsKeyProvider provider;

    @BeforeEach
    void start() {
        kms = KmsProtocolTestEndpoint.start();
        client = kms.newClient();
        keyId = kms.createKey("backup key-encryption key");
        provider = new AwsKmsKeyProvider(client, keyId);
    }

    @AfterEach
    void stop() {
        client.close();
        kms.close();
    }

    @Test
    void shouldOpenTheWrappedKeyToADataKeyThatDecryptsWhatTheNewKeyEncrypted() throws Exception {
        byte[] archive = randomBytes(200_000);
        byte[] encrypted;
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            encrypted = encrypt(key.streamingAead(), archive);
            wrapped = key.wrapped();
        }

        try (DataKey reopened = provider.open(wrapped, BACKUP)) {
            assertThat(decrypt(reopened.streamingAead(), encrypted)).isEqualTo(archive);
        }
        assertThat(kms.operations()).containsExactly("GenerateDataKey", "Decrypt");
    }

    @Test
    void shouldRecordTheProviderAndTheKeyArnInTheWrappedKey() {
        try (DataKey key = provider.newDataKey(BACKUP)) {
            assertThat(key.wrapped().provider()).isEqualTo("aws-kms");
            assertThat(key.wrapped().keyId()).isEqualTo(kms.arnOf(keyId)).endsWith(":key/" + keyId);
            assertThat(Base64.getDecoder().decode(key.wrapped().ciphertext())).hasSizeGreaterThan(32);
        }
        assertThat(provider.kind()).isEqualTo(KeyProviderKind.AWS_KMS);
        assertThat(provider.currentKeyId()).isEqualTo(keyId);
    }

    @Test
    void shouldRecordTheKeyArnRatherThanTheAliasSoRepointingTheAliasDoesNotBreakRestores() throws Exception {
        kms.createAlias("alias/devflow-dr", keyId);
        AwsKmsKeyProvider byAlias = new AwsKmsKeyProvider(client, "alias/devflow-dr");
        byte[] archive = randomBytes(1000);
        byte[] encrypted;
        WrappedKey wrapped;
        try (DataKey key = byAlias.newDataKey(BACKUP)) {
            encrypted = encrypt(key.streamingAead(), archive);
            wrapped = key.wrapped();
        }
        kms.createAlias("alias/devflow-dr", kms.createKey("next key"));

        assertThat(wrapped.keyId()).isEqualTo(kms.arnOf(keyId));
        try (DataKey reopened = byAlias.open(wrapped, BACKUP)) {
            assertThat(decrypt(reopened.streamingAead(), encrypted)).isEqualTo(archive);
        }
    }

    @Test
    void shouldRefuseToOpenAWrappedKeyUnderAnotherBackupsContext() {
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            wrapped = key.wrapped();
        }

        assertThatThrownBy(() -> provider.open(wrapped, OTHER_BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining(OTHER_BACKUP_ID)
                .hasMessageContaining("altered or copied from another backup")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());
    }

    @Test
    void shouldRefuseToOpenAWrappedKeyWithAFlippedByte() {
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            wrapped = key.wrapped();
        }
        byte[] blob = Base64.getDecoder().decode(wrapped.ciphertext());
        blob[blob.length - 20] ^= 0x01;
        WrappedKey tampered = new WrappedKey(wrapped.provider(), wrapped.keyId(), Base64.getEncoder().encodeToString(blob));

        assertThatThrownBy(() -> provider.open(tampered, BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining(BACKUP_ID)
                .hasMessageContaining("altered");
    }

    @Test
    void shouldRefuseToOpenATruncatedWrappedKey() {
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            wrapped = key.wrapped();
        }
        byte[] blob = Base64.getDecoder().decode(wrapped.ciphertext());
        byte[] truncated = Arrays.copyOf(blob, blob.length - 1);
        WrappedKey tampered = new WrappedKey(wrapped.provider(), wrapped.keyId(), Base64.getEncoder().encodeToString(truncated));

        assertThatThrownBy(() -> provider.open(tampered, BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("altered");
    }

    @Test
    void shouldRefuseAWrappedKeyOfAnotherProvider() {
        WrappedKey local = new WrappedKey("local", "local-20250101-00000000", Base64.getEncoder().encodeToString(new byte[60]));

        assertThatThrownBy(() -> provider.open(local, BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("local provider");
        assertThat(kms.operations()).isEmpty();
    }

    @Test
    void shouldNameTheKeyWhenGeneratingWithAKeyKmsDoesNotKnow() {
        String unknown = "0b7a1c62-9a53-4a27-9f3e-5f2d1e0c9b11";
        AwsKmsKeyProvider unknownKey = new AwsKmsKeyProvider(client, unknown);

        assertThatThrownBy(() -> unknownKey.newDataKey(BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("'" + unknown + "'")
                .hasMessageContaining("NotFoundException")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());
    }

    @Test
    void shouldNameTheKeyWhenTheManifestNamesAnAllowedKeyKmsDoesNotKnow() {
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            wrapped = key.wrapped();
        }
        String unknown = "arn:aws:kms:us-east-1:111122223333:key/0b7a1c62-9a53-4a27-9f3e-5f2d1e0c9b11";
        WrappedKey elsewhere = new WrappedKey(wrapped.provider(), unknown, wrapped.ciphertext());
        AwsKmsKeyProvider allowingIt = new AwsKmsKeyProvider(client, keyId, List.of(unknown));

        assertThatThrownBy(() -> allowingIt.open(elsewhere, BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining(BACKUP_ID)
                .hasMessageContaining("'" + unknown + "'")
                .hasMessageContaining("NotFoundException");
    }

    @Test
    void shouldRefuseAKeyThisDeploymentDoesNotUseWithoutAskingKms() throws Exception {
        String otherKey = kms.createKey("another deployment's key, which this endpoint could decrypt with");
        byte[] archive = randomBytes(1000);
        byte[] encrypted;
        WrappedKey foreign;
        try (DataKey key = new AwsKmsKeyProvider(client, otherKey).newDataKey(BACKUP)) {
            encrypted = encrypt(key.streamingAead(), archive);
            foreign = key.wrapped();
        }
        int callsBefore = kms.operations().size();

        assertThatThrownBy(() -> provider.open(foreign, BACKUP))
                .isInstanceOf(KeyRefusedException.class)
                .hasMessageContaining(BACKUP_ID)
                .hasMessageContaining("'" + kms.arnOf(otherKey) + "'")
                .hasMessageContaining("allowedKeyIds")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());
        assertThat(kms.operations()).as("nothing was asked of KMS").hasSize(callsBefore);

        AwsKmsKeyProvider allowing = new AwsKmsKeyProvider(client, keyId, List.of(kms.arnOf(otherKey)));
        try (DataKey opened = allowing.open(foreign, BACKUP)) {
            assertThat(decrypt(opened.streamingAead(), encrypted)).isEqualTo(archive);
        }
    }

    @Test
    void shouldAllowTheKeyAConfiguredAliasNamesResolvingItOncePerProcess() throws Exception {
        kms.createAlias("alias/devflow-dr", keyId);
        WrappedKey wrapped;
        byte[] archive = randomBytes(1000);
        byte[] encrypted;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            encrypted = encrypt(key.streamingAead(), archive);
            wrapped = key.wrapped();
        }
        AwsKmsKeyProvider byAlias = new AwsKmsKeyProvider(client, "alias/devflow-dr");

        try (DataKey first = byAlias.open(wrapped, BACKUP); DataKey second = byAlias.open(wrapped, BACKUP)) {
            assertThat(decrypt(first.streamingAead(), encrypted)).isEqualTo(archive);
            assertThat(decrypt(second.streamingAead(), encrypted)).isEqualTo(archive);
        }
        assertThat(kms.operations()).containsExactly("GenerateDataKey", "DescribeKey", "Decrypt", "Decrypt");
    }

    @Test
    void shouldRefuseADataKeyOfAnotherDeploymentUnderTheSameKey() {
        KeyContext staging = KeyContext.backup(BACKUP_ID, "mongodb", "us-east-1", "devflow-staging");
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(staging)) {
            wrapped = key.wrapped();
        }

        assertThatThrownBy(() -> provider.open(wrapped, BACKUP))
                .isInstanceOf(KeyRefusedException.class)
                .hasMessageContaining(BACKUP_ID)
                .hasMessageContaining("another deployment");
        try (DataKey opened = provider.open(wrapped, staging)) {
            assertThat(opened.wrapped()).isEqualTo(wrapped);
        }
    }

    @Test
    void shouldStillOpenADataKeyWrappedBeforeDeploymentsWereBound() throws Exception {
        KeyContext legacy = KeyContext.legacyBackup(BACKUP_ID, "mongodb", "us-east-1");
        byte[] archive = randomBytes(2000);
        byte[] encrypted;
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(legacy)) {
            encrypted = encrypt(key.streamingAead(), archive);
            wrapped = key.wrapped();
        }

        assertThat(legacy.encryptionContext()).doesNotContainKey("devflow-dr:deployment").hasSize(3);
        try (DataKey opened = provider.open(wrapped, legacy)) {
            assertThat(decrypt(opened.streamingAead(), encrypted)).isEqualTo(archive);
        }
        assertThatThrownBy(() -> provider.open(wrapped, BACKUP)).isInstanceOf(KeyRefusedException.class);
    }

    @Test
    void shouldFailTransientlyWhenTheEndpointIsDownWhileOpening() {
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            wrapped = key.wrapped();
        }
        kms.close();

        assertThatThrownBy(() -> provider.open(wrapped, BACKUP))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining(BACKUP_ID)
                .hasMessageContaining("KMS is unreachable")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isTrue());
    }

    @Test
    void shouldFailTransientlyNamingTheBackupAndKeyWhenTheEndpointIsDown() {
        kms.close();

        assertThatThrownBy(() -> provider.newDataKey(BACKUP))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining(BACKUP_ID)
                .hasMessageContaining("KMS is unreachable")
                .hasCauseInstanceOf(SdkClientException.class)
                .satisfies(e -> assertThat(Failures.isTransient(e)).isTrue());
    }

    @Test
    void shouldTreatAccessDeniedAsPermanentAndAnInternalErrorAsTransient() {
        kms.failEveryCall(Outage.ACCESS_DENIED);
        assertThatThrownBy(() -> provider.newDataKey(BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("AccessDeniedException")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());

        kms.failEveryCall(Outage.INTERNAL_ERROR);
        assertThatThrownBy(() -> provider.newDataKey(BACKUP))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("KMSInternalException")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isTrue());

        kms.failEveryCall(Outage.NONE);
        try (DataKey key = provider.newDataKey(BACKUP)) {
            assertThat(key.wrapped().keyId()).isEqualTo(kms.arnOf(keyId));
        }
    }

    @Test
    void shouldKeepThePlaintextKeyOutOfTheWrappedKey() throws Exception {
        byte[] archive = randomBytes(5000);
        byte[] encrypted;
        WrappedKey wrapped;
        try (DataKey key = provider.newDataKey(BACKUP)) {
            encrypted = encrypt(key.streamingAead(), archive);
            wrapped = key.wrapped();
        }
        byte[] plaintext = client.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(
                Base64.getDecoder().decode(wrapped.ciphertext()))).encryptionContext(BACKUP.encryptionContext()))
                .plaintext().asByteArray();

        assertThat(plaintext).hasSize(KeyMaterial.KEY_BYTES);
        try (KeyMaterial fromKms = KeyMaterial.copyOf(plaintext)) {
            assertThat(decrypt(fromKms.streamingAead(), encrypted))
                    .as("the data key is the plaintext KMS issued")
                    .isEqualTo(archive);
        }
        byte[] blob = Base64.getDecoder().decode(wrapped.ciphertext());
        assertThat(blob).isNotEqualTo(plaintext);
        assertThat(indexOf(blob, plaintext)).isEqualTo(-1);
        assertThat(wrapped.toString())
                .doesNotContain(Base64.getEncoder().encodeToString(plaintext))
                .doesNotContain(new String(plaintext, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldWrapEveryBackupUnderAFreshDataKey() throws Exception {
        byte[] archive = randomBytes(100);
        byte[] encrypted;
        WrappedKey first;
        WrappedKey second;
        try (DataKey a = provider.newDataKey(BACKUP); DataKey b = provider.newDataKey(BACKUP)) {
            encrypted = encrypt(a.streamingAead(), archive);
            first = a.wrapped();
            second = b.wrapped();
        }

        assertThat(first.ciphertext()).isNotEqualTo(second.ciphertext());
        try (DataKey wrongKey = provider.open(second, BACKUP)) {
            assertThatThrownBy(() -> decrypt(wrongKey.streamingAead(), encrypted)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldBuildAWorkingProviderFromTheConfigurationWithTheDefaultCredentialChain() throws Exception {
        EncryptionConfig config = new EncryptionConfig(KeyProviderKind.AWS_KMS, Optional.of(keyId), Optional.empty(),
                Optional.empty(), Optional.of(kms.endpoint()), "us-east-1");
        String previousAccessKey = System.getProperty("aws.accessKeyId");
        String previousSecretKey = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        try {
            KeyProvider configured = KeyProviders.create(config);
            byte[] archive = randomBytes(3000);
            byte[] encrypted;
            WrappedKey wrapped;
            try (DataKey key = configured.newDataKey(BACKUP)) {
                encrypted = encrypt(key.streamingAead(), archive);
                wrapped = key.wrapped();
            }

            assertThat(configured.kind()).isEqualTo(KeyProviderKind.AWS_KMS);
            assertThat(configured.currentKeyId()).isEqualTo(keyId);
            assertThat(wrapped.keyId()).isEqualTo(kms.arnOf(keyId));
            try (DataKey reopened = provider.open(wrapped, BACKUP)) {
                assertThat(decrypt(reopened.streamingAead(), encrypted)).isEqualTo(archive);
            }
            assertThat(kms.operations()).containsExactly("GenerateDataKey", "Decrypt");
        } finally {
            restore("aws.accessKeyId", previousAccessKey);
            restore("aws.secretAccessKey", previousSecretKey);
        }
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }

    private static byte[] encrypt(StreamingAead aead, byte[] plaintext) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream out = aead.newEncryptingStream(buffer, BACKUP.associatedDataBytes())) {
            out.write(plaintext);
        }
        return buffer.toByteArray();
    }

    private static byte[] decrypt(StreamingAead aead, byte[] ciphertext) throws Exception {
        try (InputStream in = aead.newDecryptingStream(new ByteArrayInputStream(ciphertext), BACKUP.associatedDataBytes())) {
            return in.readAllBytes();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
