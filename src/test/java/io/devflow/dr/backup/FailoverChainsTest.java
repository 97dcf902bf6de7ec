package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.control.ActiveRegion;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Incremental chains and failovers: a chain never continues across one. */
class FailoverChainsTest {

    private static final Instant FAILOVER = Instant.parse("2026-11-26T10:00:00Z");
    private static final ActiveRegion CONFIGURED = ActiveRegion.configured(RegionId.of("us-east-1"));
    private static final ActiveRegion PROMOTED = new ActiveRegion(RegionId.of("us-west-2"), 1, FAILOVER, "fo-1", "sre");

    @Test
    void shouldBuildOnAnyCompletedBackupBeforeAnyFailover() {
        BackupRecord old = record("full", BackupStatus.COMPLETED, -86_400);

        assertThat(FailoverChains.mayContinue(old, CONFIGURED)).isTrue();
        assertThat(FailoverChains.hasFull(List.of(old), CONFIGURED)).isTrue();
    }

    @Test
    void shouldBuildOnlyOnBackupsBegunSinceTheFailoverThatMadeTheRegionActive() {
        BackupRecord before = record("full", BackupStatus.COMPLETED, -60);
        BackupRecord segmentBefore = record("incremental", BackupStatus.COMPLETED, -1);
        BackupRecord after = record("full", BackupStatus.COMPLETED, 5);

        assertThat(FailoverChains.mayContinue(before, PROMOTED)).isFalse();
        assertThat(FailoverChains.mayContinue(segmentBefore, PROMOTED)).isFalse();
        assertThat(FailoverChains.hasFull(List.of(segmentBefore, before), PROMOTED))
                .as("the first backup after the failover must be a full one").isFalse();
        assertThat(FailoverChains.hasFull(List.of(after, segmentBefore, before), PROMOTED)).isTrue();
        assertThat(FailoverChains.hasFull(List.of(record("full", BackupStatus.FAILED, 5), before), PROMOTED))
                .as("a failed full starts nothing").isFalse();
    }

    private static BackupRecord record(String type, BackupStatus status, int startedSecondsFromFailover) {
        Instant started = FAILOVER.plusSeconds(startedSecondsFromFailover);
        return new BackupRecord("backup-" + type + "-" + startedSecondsFromFailover, type, "mongodb", "us-west-2", status,
                "schedule", started, started.plusSeconds(1), null, null, null, null, null, null, null, null, "s3://test/x",
                status == BackupStatus.FAILED ? "failed" : null, null);
    }
}
