package io.devflow.dr.store.redis;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RedisVersionTest {

    @Test
    void shouldReadBackWhatItWrites() {
        RedisVersion version = new RedisVersion("aa", "bb", 1_000L, 1_200L, "us-east-1", "conflict-20260127-103001-k3m9qz", 42L);

        assertThat(RedisVersion.decode(version.encode())).isEqualTo(version);
    }

    @Test
    void shouldReadBackATombstone() {
        RedisVersion tombstone = new RedisVersion(null, null, RedisVersion.NO_EXPIRY, RedisVersion.NO_EXPIRY, "us-east-1", null, 7L);

        assertThat(RedisVersion.decode(tombstone.encode())).isEqualTo(tombstone);
        assertThat(new String(tombstone.encode(), StandardCharsets.UTF_8)).doesNotContain("\"s\"", "\"t\"", "\"c\"");
    }

    @Test
    void shouldTreatAnUnreadableRecordAsNone() {
        assertThat(RedisVersion.decode(null)).isNull();
        assertThat(RedisVersion.decode("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(RedisVersion.decode("{\"s\":\"aa\"}".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void shouldNameRecordsByWriterDatabaseAndKeyBytes() {
        byte[] name = RedisVersion.metadataKey("us-east-1", 3, new byte[] {'k', 0, (byte) 0xff});

        assertThat(name).startsWith("devflow-dr:version:us-east-1:3:".getBytes(StandardCharsets.UTF_8))
                .endsWith('k', 0, (byte) 0xff);
    }
}
