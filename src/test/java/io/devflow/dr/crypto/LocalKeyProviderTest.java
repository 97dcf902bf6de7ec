package io.devflow.dr.crypto;

import com.google.crypto.tink.StreamingAead;
import io.devflow.dr.config.KeyProviderKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalKeyProviderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-25T02:00:00Z"), ZoneOffset.UTC);
    private static final String BACKUP_ID = "backup-full-20260125-020000-x7k2p9";
    private static final KeyContext CONTEXT = KeyContext.backup(BACKUP_ID, "mongodb", "us-east-1", "devflow-test");
    private static final byte[] ASSOCIATED = "header".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void shouldOpenTheDataKeyItCreated() throws Exception {
        LocalKeyring keyring = LocalKeyring.create(dir.resolve("keyring.json"), CLOCK);
        LocalKeyProvider provider = LocalKeyProvider.fromKeyring(keyring, null);
        byte[] plaintext = randomBytes(1_500_000);

        byte[] ciphertext;
        try (DataKey created = provider.newDataKey(CONTEXT)) {
            assertThat(created.wrapped().provider()).isEqualTo("local");
            assertThat(created.wrapped().keyId()).isEqualTo(keyring.primaryId());
            ciphertext = encrypt(created.streamingAead(), plaintext);
            byte[] tag = created.seal(plaintext);

            try (DataKey opened = provider.open(created.wrapped(), CONTEXT)) {
                assertThat(decrypt(opened.streamingAead(), ciphertext)).isEqualTo(plaintext);
                assertThat(opened.verifySeal(tag, plaintext)).isTrue();
                assertThat(opened.wrapped()).isEqualTo(created.wrapped());
            }
        }
        assertThat(provider.kind()).isEqualTo(KeyProviderKind.LOCAL);
        assertThat(provider.currentKeyId()).isEqualTo(keyring.primaryId());
    }

    @Test
    void shouldCreateADifferentDataKeyEachTime() throws Exception {
        LocalKeyProvider provider = LocalKeyProvider.fromKeyring(LocalKeyring.create(dir.resolve("keyring.json"), CLOCK), null);

        try (DataKey a = provider.newDataKey(CONTEXT); DataKey b = provider.newDataKey(CONTEXT)) {
            assertThat(a.wrapped().ciphertext()).isNotEqualTo(b.wrapped().ciphertext());
            byte[] ciphertext = encrypt(a.streamingAead(), new byte[100]);
            assertThatThrownBy(() -> decrypt(b.streamingAead(), ciphertext)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldRefuseToOpenADataKeyUnderAnotherBackupsContext() {
        LocalKeyProvider provider = LocalKeyProvider.fromKeyring(LocalKeyring.create(dir.resolve("keyring.json"), CLOCK), null);
        WrappedKey wrapped;
        try (DataKey created = provider.newDataKey(CONTEXT)) {
            wrapped = created.wrapped();
        }
        KeyContext otherBackup = KeyContext.backup("backup-full-20260124-020000-abc123", "mongodb", "us-east-1", "devflow-test");
        KeyContext otherRegion = KeyContext.backup(BACKUP_ID, "mongodb", "us-west-2", "devflow-test");

        assertThatThrownBy(() -> provider.open(wrapped, otherBackup))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("backup-full-20260124-020000-abc123")
                .hasMessageContaining(wrapped.keyId());
        assertThatThrownBy(() -> provider.open(wrapped, otherRegion)).isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void shouldRefuseAnAlteredWrappedKey() {
        LocalKeyProvider provider = LocalKeyProvider.fromKeyring(LocalKeyring.create(dir.resolve("keyring.json"), CLOCK), null);
        WrappedKey wrapped;
        try (DataKey created = provider.newDataKey(CONTEXT)) {
            wrapped = created.wrapped();
        }
        byte[] raw = Base64.getDecoder().decode(wrapped.ciphertext());
        raw[raw.length / 2] ^= 0x01;
        WrappedKey altered = new WrappedKey(wrapped.provider(), wrapped.keyId(), Base64.getEncoder().encodeToString(raw));
        WrappedKey notBase64 = new WrappedKey(wrapped.provider(), wrapped.keyId(), "%%%");
        WrappedKey fromKms = new WrappedKey("aws-kms", "alias/dr", wrapped.ciphertext());

        assertThatThrownBy(() -> provider.open(altered, CONTEXT)).isInstanceOf(KeyUnavailableException.class);
        assertThatThrownBy(() -> provider.open(notBase64, CONTEXT)).isInstanceOf(KeyUnavailableException.class);
        assertThatThrownBy(() -> provider.open(fromKms, CONTEXT))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("aws-kms provider");
    }

    @Test
    void shouldNameTheKeyIdWhenTheKeyringNoLongerHoldsIt() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring original = LocalKeyring.create(file, CLOCK);
        WrappedKey wrapped;
        try (DataKey created = LocalKeyProvider.fromKeyring(original, null).newDataKey(CONTEXT)) {
            wrapped = created.wrapped();
        }
        Files.delete(file);
        LocalKeyring replacement = LocalKeyring.create(file, CLOCK);
        LocalKeyProvider provider = LocalKeyProvider.fromKeyring(LocalKeyring.load(file), null);

        assertThat(replacement.contains(original.primaryId())).isFalse();
        assertThatThrownBy(() -> provider.open(wrapped, CONTEXT))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("'" + original.primaryId() + "'");
    }

    @Test
    void shouldStillOpenDataKeysOfTheOldKeyAfterRotation() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring keyring = LocalKeyring.create(file, CLOCK);
        byte[] plaintext = randomBytes(10_000);
        WrappedKey wrapped;
        byte[] ciphertext;
        try (DataKey created = LocalKeyProvider.fromKeyring(keyring, null).newDataKey(CONTEXT)) {
            wrapped = created.wrapped();
            ciphertext = encrypt(created.streamingAead(), plaintext);
        }

        LocalKeyProvider rotated = LocalKeyProvider.fromKeyring(LocalKeyring.load(file).rotate(CLOCK), null);

        assertThat(rotated.currentKeyId()).isNotEqualTo(wrapped.keyId());
        try (DataKey opened = rotated.open(wrapped, CONTEXT)) {
            assertThat(decrypt(opened.streamingAead(), ciphertext)).isEqualTo(plaintext);
        }
        try (DataKey fresh = rotated.newDataKey(CONTEXT)) {
            assertThat(fresh.wrapped().keyId()).isEqualTo(rotated.currentKeyId());
        }
    }

    @Test
    void shouldRefuseAConfiguredKeyIdTheKeyringDoesNotHold() {
        LocalKeyring keyring = LocalKeyring.create(dir.resolve("keyring.json"), CLOCK);

        assertThatThrownBy(() -> LocalKeyProvider.fromKeyring(keyring, "local-19990101-00000000"))
                .isInstanceOf(LocalKeyring.KeyringException.class)
                .hasMessageContaining("local-19990101-00000000");
    }

    @Test
    void shouldOpenDataKeysWithAMasterKey() throws Exception {
        String master;
        try (KeyMaterial key = KeyMaterial.random()) {
            master = key.toBase64();
        }
        LocalKeyProvider provider = LocalKeyProvider.fromMasterKey("master-1", master);
        byte[] plaintext = randomBytes(5_000);

        try (DataKey created = provider.newDataKey(CONTEXT); DataKey opened = provider.open(created.wrapped(), CONTEXT)) {
            assertThat(created.wrapped().keyId()).isEqualTo("master-1");
            assertThat(decrypt(opened.streamingAead(), encrypt(created.streamingAead(), plaintext))).isEqualTo(plaintext);
        }
        WrappedKey otherId = new WrappedKey("local", "master-2", "AAAA");
        assertThatThrownBy(() -> provider.open(otherId, CONTEXT))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("master-2");
    }

    @Test
    void shouldRefuseABadMasterKeyWithoutRepeatingIt() {
        String notBase64 = "this-is-not-base64-but-a-passphrase!";
        String tooShort = Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII));

        for (String bad : new String[] {notBase64, tooShort}) {
            assertThatThrownBy(() -> LocalKeyProvider.fromMasterKey("master-1", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain(bad));
        }
    }

    static byte[] encrypt(StreamingAead aead, byte[] plaintext) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream encrypting = aead.newEncryptingStream(out, ASSOCIATED)) {
            encrypting.write(plaintext);
        }
        return out.toByteArray();
    }

    static byte[] decrypt(StreamingAead aead, byte[] ciphertext) throws Exception {
        try (InputStream decrypting = aead.newDecryptingStream(new ByteArrayInputStream(ciphertext), ASSOCIATED)) {
            return decrypting.readAllBytes();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
