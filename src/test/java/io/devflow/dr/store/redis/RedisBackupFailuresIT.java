package io.devflow.dr.store.redis;

import io.devflow.dr.cli.ExitCode;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis backups that cannot succeed fail with one clear line, exit 1 and a failure record: a Redis that is
 * down (at the pre-flight PING, after the retries), and a value too large for an archive record.
 */
class RedisBackupFailuresIT {

    @TempDir
    Path dir;
    TestEnvironment env;

    @BeforeEach
    void start() {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.REDIS), EAST);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldFailTheBackupAndRecordWhyWhenRedisIsDown() {
        env.redis(EAST).close();

        CliRun run = backUp();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).startsWith("dr: backup backup-full-").contains("failed")
                .contains("redis in " + EAST + " cannot be reached").contains("check that it is running")
                .doesNotContain("\tat ");
        assertOneFailureRecord();
    }

    @Test
    void shouldNameTheKeyThatDoesNotFitAnArchiveRecord() {
        try (Jedis db0 = new Jedis("127.0.0.1", env.redis(EAST).port())) {
            db0.set("small", "fits");
            byte[] huge = new byte[65 << 20];
            new Random(1).nextBytes(huge); // random: Redis compresses what it can inside a DUMP
            db0.set("reports:huge".getBytes(), huge);
        }

        CliRun run = backUp();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("key 'reports:huge' in database 0").contains("more than the 64 MiB")
                .contains("split the value").doesNotContain("\tat ");
        assertOneFailureRecord();
    }

    private CliRun backUp() {
        return CliRun.of("--config", env.configFile().toString(), "backup", "--type", "full", "--store", "redis");
    }

    private void assertOneFailureRecord() {
        assertThat(env.bucketStore(EAST).list("dr/redis/")).extracting(ObjectStore.ObjectInfo::key)
                .singleElement().satisfies(key -> assertThat(key).endsWith("/failure.json"));
    }
}
