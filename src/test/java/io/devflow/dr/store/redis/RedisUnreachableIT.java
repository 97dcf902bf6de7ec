package io.devflow.dr.store.redis;

import io.devflow.dr.cli.ExitCode;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.store.StoreKind;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/** A Redis that is down fails its backup at the pre-flight PING, after the retries, with one clear line. */
class RedisUnreachableIT {

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
    void shouldFailTheBackupAndRecordWhy() {
        env.redis(EAST).close();

        CliRun run = CliRun.of("--config", env.configFile().toString(), "backup", "--type", "full", "--store", "redis");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).startsWith("dr: backup backup-full-").contains("failed")
                .contains("redis in " + EAST + " cannot be reached").contains("check that it is running")
                .doesNotContain("\tat ");
        assertThat(env.bucketStore(EAST).list("dr/redis/")).extracting(ObjectStore.ObjectInfo::key)
                .singleElement().satisfies(key -> assertThat(key).endsWith("/failure.json"));
    }
}
