package io.devflow.dr.crypto;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyMaterialTest {

    private static final byte[] CONTEXT = "devflow-dr/data-key/v1|backup-x".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldZeroItsBytesWhenClosedAndRefuseUseAfterwards() throws Exception {
        KeyMaterial key = KeyMaterial.random();
        byte[] bytes = bytesOf(key);
        assertThat(bytes).hasSize(KeyMaterial.KEY_BYTES).isNotEqualTo(new byte[KeyMaterial.KEY_BYTES]);

        key.close();

        assertThat(bytes).isEqualTo(new byte[KeyMaterial.KEY_BYTES]);
        assertThatThrownBy(key::streamingAead).isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
        assertThatThrownBy(key::manifestMac).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(key::toBase64).isInstanceOf(IllegalStateException.class);
        try (KeyMaterial other = KeyMaterial.random()) {
            assertThatThrownBy(() -> other.wrap(key, CONTEXT)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> key.wrap(other, CONTEXT)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldKeepItsOwnCopyOfRawBytes() throws Exception {
        byte[] raw = new byte[KeyMaterial.KEY_BYTES];
        raw[0] = 7;
        try (KeyMaterial key = KeyMaterial.copyOf(raw)) {
            raw[0] = 8;

            assertThat(Base64.getDecoder().decode(key.toBase64())[0]).isEqualTo((byte) 7);
        }
    }

    @Test
    void shouldUnwrapWhatItWrappedOnlyWithTheSameContext() throws GeneralSecurityException {
        try (KeyMaterial master = KeyMaterial.random(); KeyMaterial data = KeyMaterial.random()) {
            byte[] wrapped = master.wrap(data, CONTEXT);

            try (KeyMaterial unwrapped = master.unwrap(wrapped, CONTEXT)) {
                assertThat(unwrapped.toBase64()).isEqualTo(data.toBase64());
            }
            assertThatThrownBy(() -> master.unwrap(wrapped, "other".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(GeneralSecurityException.class);
            try (KeyMaterial otherMaster = KeyMaterial.random()) {
                assertThatThrownBy(() -> otherMaster.unwrap(wrapped, CONTEXT)).isInstanceOf(GeneralSecurityException.class);
            }
        }
    }

    @Test
    void shouldRoundTripThroughBase64() {
        try (KeyMaterial key = KeyMaterial.random(); KeyMaterial copy = KeyMaterial.fromBase64(" " + key.toBase64() + "\n")) {
            assertThat(copy.toBase64()).isEqualTo(key.toBase64());
        }
    }

    @Test
    void shouldRefuseBadBase64WithoutRepeatingIt() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[31]);

        assertThatThrownBy(() -> KeyMaterial.fromBase64("s3cr3t passphrase"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the key is not valid base64");
        assertThatThrownBy(() -> KeyMaterial.fromBase64(shortKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the key must decode to 32 bytes");
        assertThatThrownBy(() -> KeyMaterial.copyOf(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotShowItsBytesInToString() {
        try (KeyMaterial key = KeyMaterial.random()) {
            assertThat(key.toString()).isEqualTo("KeyMaterial[****]").doesNotContain(key.toBase64());
        }
    }

    @Test
    void shouldGiveMatchingPrimitivesForTheSameKeyOnly() throws Exception {
        byte[] manifest = "{\"id\":\"backup\"}".getBytes(StandardCharsets.UTF_8);
        try (KeyMaterial key = KeyMaterial.random(); KeyMaterial same = KeyMaterial.fromBase64(key.toBase64());
             KeyMaterial other = KeyMaterial.random()) {
            byte[] tag = key.manifestMac().computeMac(manifest);

            same.manifestMac().verifyMac(tag, manifest);
            assertThatThrownBy(() -> other.manifestMac().verifyMac(tag, manifest)).isInstanceOf(GeneralSecurityException.class);
            assertThat(LocalKeyProviderTest.decrypt(same.streamingAead(),
                    LocalKeyProviderTest.encrypt(key.streamingAead(), manifest))).isEqualTo(manifest);
        }
    }

    /** The key's own array, read reflectively: the only way to see that close() really zeroes it. */
    private static byte[] bytesOf(KeyMaterial key) throws ReflectiveOperationException {
        Field field = KeyMaterial.class.getDeclaredField("bytes");
        field.setAccessible(true);
        return (byte[]) field.get(key);
    }
}
