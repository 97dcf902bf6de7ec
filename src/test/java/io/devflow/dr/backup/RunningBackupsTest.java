package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.crypto.WrappedKey;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry of running backups: what it lists, and that no attempt's cleartext data key outlives it. */
class RunningBackupsTest {

    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

    private final DrConfig config = TestConfigs.load(TestConfigs.minimal());
    private final RunningBackups running = new RunningBackups();
    private final PlannedBackup backup = planned();

    @Test
    void shouldCloseTheKeyOfAFailedAttemptWhenTheRetryBegins() {
        running.add(backup);
        running.beginAttempt(backup);
        DataKey failedAttempt = running.hold(backup, newKey());

        running.beginAttempt(backup);

        assertClosed(failedAttempt);
        DataKey retry = running.hold(backup, newKey());
        assertOpen(retry);
        assertThat(running.finish(backup)).as("attempts").isEqualTo(2);
        assertClosed(retry);
    }

    @Test
    void shouldCloseTheKeyAndForgetTheBackupWhenItEnds() {
        running.add(backup);
        running.beginAttempt(backup);
        DataKey key = running.hold(backup, newKey());

        BackupRecord listed = running.get(backup.id()).orElseThrow();
        assertThat(listed.status()).isEqualTo(BackupStatus.RUNNING);
        assertThat(listed.id()).isEqualTo(backup.id().value());
        assertThat(listed.location()).isEqualTo("s3://devflow-dr-east/" + backup.folder());
        assertThat(running.all()).containsExactly(listed);

        assertThat(running.finish(backup)).isEqualTo(1);

        assertClosed(key);
        assertThat(running.get(backup.id())).isEmpty();
        assertThat(running.all()).isEmpty();
        assertThat(running.finish(backup)).as("a second end finds nothing to release").isZero();
    }

    @Test
    void shouldCountNoAttemptWhenTheBackupFailsBeforeItsFirst() {
        running.add(backup);

        assertThat(running.finish(backup)).isZero();
    }

    @Test
    void shouldCloseAKeyOfferedForABackupThatIsNotRunning() {
        DataKey key = newKey();

        assertThatThrownBy(() -> running.hold(backup, key)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(backup.id().value()).hasMessageContaining("not running");
        assertClosed(key);
    }

    @Test
    void shouldRefuseASecondBackupOfTheSameStoreAndRegionNamingTheOneThatRuns() {
        running.add(backup);
        PlannedBackup second = planned("api", StoreKind.MONGODB, START.plusSeconds(5));

        assertThatThrownBy(() -> running.add(second)).isInstanceOfSatisfying(BackupAlreadyRunningException.class, e -> {
            assertThat(e.running()).isEqualTo(backup.id());
            assertThat(e.getMessage()).startsWith("a backup of mongodb in us-east-1 is already running: " + backup.id());
        });
        assertThat(running.all()).extracting(BackupRecord::id).containsExactly(backup.id().value());

        PlannedBackup capture = planned(BackupRequest.CAPTURE, StoreKind.MONGODB, START.plusSeconds(6));
        PlannedBackup redis = planned("api", StoreKind.REDIS, START.plusSeconds(7));
        running.add(capture);
        running.add(redis);
        assertThat(running.running(StoreKind.MONGODB, backup.region().id())).contains(backup);
        assertThat(running.all()).hasSize(3);

        running.finish(backup);
        running.add(second);
        assertThat(running.running(StoreKind.MONGODB, backup.region().id())).contains(second);
    }

    private PlannedBackup planned() {
        return planned("test", StoreKind.MONGODB, START);
    }

    private PlannedBackup planned(String trigger, StoreKind store, Instant start) {
        RegionContext region = new RegionContext(config.primaryRegion());
        BackupRequest request = new BackupRequest(BackupType.FULL, store, region.id(), trigger);
        return new PlannedBackup(BackupId.generate(BackupType.FULL, start), request, region, start, null);
    }

    private static DataKey newKey() {
        return new DataKey(KeyMaterial.random(), new WrappedKey("local", "test-key", "wrapped"));
    }

    private static void assertOpen(DataKey key) {
        assertThatCode(key::streamingAead).as("the key is usable").doesNotThrowAnyException();
    }

    private static void assertClosed(DataKey key) {
        assertThatThrownBy(key::streamingAead).as("the key was zeroed").isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("destroyed");
    }
}
