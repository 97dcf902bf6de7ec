package io.devflow.dr.store.redis;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every Redis type, in two logical databases, backed up and restored into another region value for value. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisBackupIT {

    TestEnvironment env;
    DrServices services;
    BackupRecord backup;
    Set<String> keysDb0;

    @BeforeAll
    void backUp(@TempDir Path dir) throws Exception {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.REDIS), EAST, WEST);
        try (Jedis db0 = jedis(EAST, 0); Jedis db3 = jedis(EAST, 3)) {
            // 40 MiB of large values (in db3, read after db0): read a few at a time, not in one batch
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 40; i++) {
                byte[] big = new byte[1 << 20];
                random.nextBytes(big);
                db3.set(("big:" + i).getBytes(StandardCharsets.UTF_8), big);
            }
            db0.set("string", "plain value");
            db0.set("binary".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2, (byte) 0xff, 10, 13});
            db0.set("counter", "41");
            db0.incr("counter");
            db0.hset("hash", Map.of("a", "1", "b", "2", "nested", "{\"json\":true}"));
            db0.rpush("list", "x", "y", "z", "x");
            db0.sadd("set", "red", "green", "blue");
            db0.zadd("zset", Map.of("low", 1.0, "mid", 2.5, "high", 1e9));
            db0.pfadd("hll", "a", "b", "c", "d");
            db0.setbit("bitmap", 1000, true);
            db0.geoadd("geo", 13.361389, 38.115556, "Palermo");
            db0.xadd("stream", StreamEntryID.NEW_ENTRY, Map.of("event", "deploy", "version", "1.2.3"));
            db0.xadd("stream", StreamEntryID.NEW_ENTRY, Map.of("event", "rollback"));
            db0.xgroupCreate("stream", "workers", StreamEntryID.XGROUP_LAST_ENTRY, false);
            db0.set("expires-later", "still here");
            db0.pexpire("expires-later", 600_000);
            for (int i = 0; i < 2_500; i++) {
                db0.set("bulk:" + i, "value-" + i);
            }
            db3.set("in-db3", "separate keyspace");
            db3.hset("session:42", Map.of("user", "u42"));
            db3.expire("session:42", 3_600);
        }
        services = env.services();
        long shortLivedUntil;
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of());
             Jedis db0 = jedis(EAST, 0)) {
            // alive when backed up, expired by the time it is restored
            db0.set("expires-soon", "gone by restore time");
            db0.pexpire("expires-soon", 4_000);
            shortLivedUntil = System.currentTimeMillis() + 4_000;
            keysDb0 = keys(db0);
            backup = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, StoreKind.REDIS, RegionId.of(EAST), "test"), BackupRecord.class);
        }
        Thread.sleep(Math.max(0, shortLivedUntil - System.currentTimeMillis() + 100));
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    void shouldCommitABackupWithOneSectionPerDatabase() {
        assertThat(backup.status()).as(String.valueOf(backup.error())).isEqualTo(BackupStatus.COMPLETED);
        assertThat(backup.manifest().sections()).extracting(s -> s.name() + "=" + s.items())
                .containsExactly("db0=" + keysDb0.size(), "db3=42");
    }

    @Test
    void shouldRestoreEveryKeyWithItsTypeValueAndTimeToLive() {
        RestoreService.Plan plan = services.restoreService().plan(BackupId.parse(backup.id()).orElseThrow(),
                RegionId.of(WEST), List.of());
        RestoreService.Report report = services.restoreService().restore(plan, new Progress());

        assertThat(report.warnings()).containsExactly("1 keys expired since the backup and were not restored");
        try (Jedis source = jedis(EAST, 0); Jedis target = jedis(WEST, 0)) {
            Set<String> restored = keys(target);
            Set<String> expected = new HashSet<>(keysDb0);
            expected.remove("expires-soon");
            assertThat(restored).isEqualTo(expected);
            for (String key : expected) {
                byte[] k = key.getBytes(StandardCharsets.UTF_8);
                assertThat(target.type(k)).as(key).isEqualTo(source.type(k));
                assertThat(value(target, key)).as(key).isEqualTo(value(source, key));
            }
            assertThat(target.xinfoGroups("stream")).extracting(g -> g.getName() + "@" + g.getLastDeliveredId())
                    .isEqualTo(source.xinfoGroups("stream").stream().map(g -> g.getName() + "@" + g.getLastDeliveredId()).toList());
            assertThat(target.pttl("expires-later")).as("the expiry travels (minus the time the backup and restore take)")
                    .isBetween(540_000L, 600_000L);
            assertThat(target.pttl("string")).isEqualTo(-1);
        }
        try (Jedis source = jedis(EAST, 3); Jedis target = jedis(WEST, 3)) {
            for (int i = 0; i < 40; i++) {
                byte[] key = ("big:" + i).getBytes(StandardCharsets.UTF_8);
                assertThat(target.get(key)).as("big:" + i).isEqualTo(source.get(key));
            }
            assertThat(target.get("in-db3")).isEqualTo("separate keyspace");
            assertThat(target.ttl("session:42")).isBetween(3_500L, 3_600L);
        }
    }

    @Test
    void shouldRefuseIncrementalBackupsOfRedis() throws Exception {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            assertThatThrownBy(() -> runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.INCREMENTAL, StoreKind.REDIS, RegionId.of(EAST), "test"), BackupRecord.class))
                    .isInstanceOf(CamelExecutionException.class)
                    .hasRootCauseMessage("redis backups are always full snapshots; use --type full");
        }
    }

    /** A key's value in a form that compares by content (hash-table types have no stable internal order). */
    private static Object value(Jedis jedis, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return switch (jedis.type(k)) {
            case "string" -> java.util.Arrays.toString(jedis.get(k));
            case "hash" -> jedis.hgetAll(key);
            case "list" -> jedis.lrange(key, 0, -1);
            case "set" -> jedis.smembers(key);
            case "zset" -> jedis.zrangeWithScores(key, 0, -1).toString();
            case "stream" -> jedis.xrange(key, (StreamEntryID) null, (StreamEntryID) null).toString();
            default -> throw new AssertionError("unexpected type of " + key);
        };
    }

    private Jedis jedis(String region, int database) {
        Jedis jedis = new Jedis("127.0.0.1", env.redis(region).port());
        jedis.select(database);
        return jedis;
    }

    private static Set<String> keys(Jedis jedis) {
        Set<String> keys = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            var page = jedis.scan(cursor, new ScanParams().count(1_000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return new HashSet<>(new ArrayList<>(keys));
    }
}
