package io.devflow.dr.store.redis;

import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.Secret;
import io.devflow.dr.embedded.EmbeddedRedis;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The target writer of Redis replication (us-east-1 into us-west-2) against two real Redis servers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTargetWriterIT {

    static final String EAST = "us-east-1";
    static final String WEST = "us-west-2";
    static final int METADATA = 15;
    static final Duration GRACE = Duration.ofMinutes(10);
    static final long NONE = RedisVersion.NO_EXPIRY;

    EmbeddedRedis east;
    EmbeddedRedis west;
    RedisPair pair;
    RedisTargetWriter writer;

    @BeforeAll
    void start() {
        east = EmbeddedRedis.start(null, TestEnvironment.freePort());
        west = EmbeddedRedis.start(null, TestEnvironment.freePort());
    }

    @BeforeEach
    void openWriter() {
        for (EmbeddedRedis redis : List.of(east, west)) {
            try (Jedis jedis = jedis(redis, 0)) {
                jedis.flushAll();
            }
        }
        pair = new RedisPair(RegionId.of(EAST), connections(east), RegionId.of(WEST), connections(west), METADATA);
        writer = new RedisTargetWriter(pair, EAST, WEST, GRACE, Clock.systemUTC());
    }

    @AfterEach
    void closePair() {
        pair.close();
    }

    @AfterAll
    void stop() {
        east.close();
        west.close();
    }

    @Test
    void shouldRestoreValuesWithTheTimeTheyHaveLeftAndRecordWhatTheTargetHolds() {
        try (Jedis source = jedis(east, 3)) {
            source.set("plain", "v1");
            source.set("expiring", "v2", SetParams.setParams().px(60_000));
        }
        RedisTargetWriter.Copy plain = copy(3, "plain", false);
        RedisTargetWriter.Copy expiring = copy(3, "expiring", false);

        List<RedisTargetWriter.Written> written = writer.copy(3, List.of(plain, expiring));

        assertThat(written).containsExactly(new RedisTargetWriter.Written(true, plain.dump().length, null),
                new RedisTargetWriter.Written(true, expiring.dump().length, null));
        try (Jedis target = jedis(west, 3); Jedis metadata = jedis(west, METADATA)) {
            assertThat(target.get("plain")).isEqualTo("v1");
            assertThat(target.pttl("plain")).isEqualTo(-1);
            assertThat(target.get("expiring")).isEqualTo("v2");
            assertThat(target.pttl("expiring")).isBetween(50_000L, 60_000L);

            RedisVersion record = record(metadata, 3, "plain");
            assertThat(record.sourceDigest()).isEqualTo(plain.digest());
            assertThat(record.targetDigest()).isEqualTo(RedisValues.digest(target.dump("plain")));
            assertThat(record.origin()).isEqualTo(EAST);
            assertThat(record.held()).isFalse();
            assertThat(metadata.pttl(RedisVersion.metadataKey(EAST, 3, bytes("plain")))).as("kept as long as its key")
                    .isEqualTo(-1);
            assertThat(record(metadata, 3, "expiring").targetExpireAt()).isNotEqualTo(NONE);
            assertThat(metadata.pttl(RedisVersion.metadataKey(EAST, 3, bytes("expiring"))))
                    .as("kept for the grace after its key expires")
                    .isBetween(GRACE.toMillis() + 50_000, GRACE.toMillis() + 60_000);
        }
    }

    @Test
    void shouldDeleteWhatTheSourceNoLongerHoldsAndKeepTheTombstoneForTheGrace() {
        try (Jedis target = jedis(west, 0)) {
            target.set("gone", "x");
            target.set("expired at the source", "y");
        }
        RedisTargetWriter.Copy gone = new RedisTargetWriter.Copy(bytes("gone"), null, NONE, null, false);
        RedisTargetWriter.Copy expired = new RedisTargetWriter.Copy(bytes("expired at the source"), dumpOf("z"),
                System.currentTimeMillis() - 1_000, "digest", false);

        List<RedisTargetWriter.Written> first = writer.copy(0, List.of(gone, expired));
        List<RedisTargetWriter.Written> again = writer.copy(0, List.of(gone));

        assertThat(first).containsExactly(new RedisTargetWriter.Written(true, 0, null),
                new RedisTargetWriter.Written(true, 0, null));
        assertThat(again).as("nothing left to delete").containsExactly(new RedisTargetWriter.Written(false, 0, null));
        try (Jedis target = jedis(west, 0); Jedis metadata = jedis(west, METADATA)) {
            assertThat(target.exists("gone")).isFalse();
            assertThat(target.exists("expired at the source")).isFalse();
            RedisVersion tombstone = record(metadata, 0, "gone");
            assertThat(tombstone.sourceDigest()).isNull();
            assertThat(tombstone.targetDigest()).isNull();
            assertThat(metadata.pttl(RedisVersion.metadataKey(EAST, 0, bytes("gone"))))
                    .isBetween(GRACE.toMillis() - 10_000, GRACE.toMillis());
        }
    }

    @Test
    void shouldRemoveTheReverseRecordsACopySupersedes() {
        try (Jedis source = jedis(east, 0); Jedis sourceMetadata = jedis(east, METADATA)) {
            source.set("a", "1");
            source.set("b", "2");
            byte[] reverse = new RedisVersion("s", "t", NONE, NONE, WEST, null, 1L).encode();
            sourceMetadata.set(RedisVersion.metadataKey(WEST, 0, bytes("a")), reverse);
            sourceMetadata.set(RedisVersion.metadataKey(WEST, 0, bytes("b")), reverse);
        }

        writer.copy(0, List.of(copy(0, "a", true), copy(0, "b", false)));

        try (Jedis sourceMetadata = jedis(east, METADATA)) {
            assertThat(sourceMetadata.exists(RedisVersion.metadataKey(WEST, 0, bytes("a")))).isFalse();
            assertThat(sourceMetadata.exists(RedisVersion.metadataKey(WEST, 0, bytes("b")))).isTrue();
        }
    }

    @Test
    void shouldReportAKeyTheTargetRefusesWithWhatToDoAndWriteTheOthers() {
        try (Jedis source = jedis(east, 0)) {
            source.set("good", "value");
        }
        byte[] damaged = dumpOf("value");
        damaged[damaged.length - 1] ^= 0x5a;
        RedisTargetWriter.Copy refused = new RedisTargetWriter.Copy(bytes("refused"), damaged, NONE,
                RedisValues.digest(damaged), false);

        List<RedisTargetWriter.Written> written = writer.copy(0, List.of(refused, copy(0, "good", false)));

        assertThat(written.get(0).refused()).isTrue();
        assertThat(written.get(0).refusal()).contains("refused the key").contains("DUMP payload version or checksum are wrong")
                .contains("the target's Redis is older than the source's, or lacks a module the value needs: "
                        + "upgrade it, or load the module");
        assertThat(written.get(1).changed()).isTrue();
        try (Jedis target = jedis(west, 0); Jedis metadata = jedis(west, METADATA)) {
            assertThat(target.exists("refused")).isFalse();
            assertThat(target.get("good")).isEqualTo("value");
            assertThat(metadata.exists(RedisVersion.metadataKey(EAST, 0, bytes("refused")))).isFalse();
            assertThat(record(metadata, 0, "good")).isNotNull();
        }
    }

    @Test
    void shouldFailAsATransientFaultWhenTheTargetCannotTakeWritesJustNow() {
        try (Jedis source = jedis(east, 0); Jedis target = jedis(west, 0)) {
            source.set("k", "v");
            target.set("stale", "s");
            target.configSet("maxmemory", "1");
        }
        try {
            assertThatThrownBy(() -> writer.copy(0, List.of(
                    new RedisTargetWriter.Copy(bytes("stale"), null, NONE, null, false), copy(0, "k", false))))
                    .isInstanceOfSatisfying(RemoteOperationException.class, e -> assertThat(e.isTransient()).isTrue())
                    .hasMessageContaining("writing 2 keys into database 0 of " + pair.targetDisplay())
                    .hasMessageContaining("OOM");
        } finally {
            try (Jedis target = jedis(west, 0)) {
                target.configSet("maxmemory", "0");
            }
        }
        try (Jedis target = jedis(west, 0)) {
            assertThat(target.exists("stale")).as("what the server took stays written").isFalse();
            assertThat(target.exists("k")).isFalse();
        }
    }

    @Test
    void shouldCopyTheTargetsVersionBackIntoTheSource() {
        try (Jedis source = jedis(east, 0); Jedis target = jedis(west, 0)) {
            source.set("k", "east");
            target.hset("k", "owner", "west");
        }
        byte[] targetDump;
        try (Jedis target = jedis(west, 0)) {
            targetDump = target.dump("k");
        }

        String digest = writer.copyBack(0, bytes("k"), targetDump, NONE, RedisValues.digest(targetDump), false);

        try (Jedis source = jedis(east, 0); Jedis metadata = jedis(west, METADATA)) {
            assertThat(source.hgetAll("k")).containsExactlyEntriesOf(Map.of("owner", "west"));
            assertThat(digest).isEqualTo(RedisValues.digest(source.dump("k")));
            RedisVersion record = record(metadata, 0, "k");
            assertThat(record.origin()).as("stands for the target's version").isEqualTo(WEST);
            assertThat(record.sourceDigest()).isEqualTo(digest);
            assertThat(record.targetDigest()).isEqualTo(RedisValues.digest(targetDump));
            assertThat(metadata.pttl(RedisVersion.metadataKey(EAST, 0, bytes("k")))).isEqualTo(-1);
        }
    }

    // --- helpers ---

    /** The source's version of a key, as replication reads it. */
    RedisTargetWriter.Copy copy(int database, String key, boolean replacesReverse) {
        try (Jedis source = jedis(east, database)) {
            byte[] dump = source.dump(key);
            long ttl = source.pttl(key);
            return new RedisTargetWriter.Copy(bytes(key), dump, ttl < 0 ? NONE : System.currentTimeMillis() + ttl,
                    RedisValues.digest(dump), replacesReverse);
        }
    }

    /** The DUMP of a string value, made by the source server. */
    byte[] dumpOf(String value) {
        try (Jedis source = jedis(east, 1)) {
            source.set("scratch", value);
            byte[] dump = source.dump("scratch");
            source.del("scratch");
            return dump;
        }
    }

    static RedisVersion record(Jedis metadata, int database, String key) {
        return RedisVersion.decode(metadata.get(RedisVersion.metadataKey(EAST, database, bytes(key))));
    }

    static RedisConnections connections(EmbeddedRedis redis) {
        return new RedisConnections(new RedisConfig(Secret.literal("redis.url", redis.url()), List.of(0),
                Optional.empty(), Duration.ofSeconds(5)));
    }

    static Jedis jedis(EmbeddedRedis redis, int database) {
        Jedis jedis = new Jedis("127.0.0.1", redis.port());
        jedis.select(database);
        return jedis;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
