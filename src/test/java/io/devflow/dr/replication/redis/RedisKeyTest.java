package io.devflow.dr.replication.redis;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisKeyTest {

    @Test
    void shouldShowTextKeysAsTheyAre() {
        assertThat(RedisKey.display("session:ü:42".getBytes(StandardCharsets.UTF_8))).isEqualTo("session:ü:42");
    }

    @Test
    void shouldShowBinaryKeysAsBase64AndReadThemBack() {
        byte[] binary = {0, 1, (byte) 0xff, 'k'};

        String shown = RedisKey.display(binary);

        assertThat(shown).isEqualTo("base64:AAH/aw==");
        assertThat(RedisKey.parse(shown)).isEqualTo(binary);
    }

    @Test
    void shouldKeepTextThatLooksLikeBase64Unambiguous() {
        byte[] key = "base64:AAH/aw==".getBytes(StandardCharsets.UTF_8);

        assertThat(RedisKey.parse(RedisKey.display(key))).isEqualTo(key);
    }

    @Test
    void shouldCompareKeysByDatabaseAndBytes() {
        assertThat(new RedisKey(0, new byte[] {1, 2})).isEqualTo(new RedisKey(0, new byte[] {1, 2}))
                .hasSameHashCodeAs(new RedisKey(0, new byte[] {1, 2}))
                .isNotEqualTo(new RedisKey(1, new byte[] {1, 2}));
    }

    @Test
    void shouldRefuseBrokenBase64() {
        assertThatThrownBy(() -> RedisKey.parse("base64:***")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a base64 Redis key");
    }
}
