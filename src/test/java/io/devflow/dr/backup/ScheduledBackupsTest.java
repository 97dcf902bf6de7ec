package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When the change-capture worker tries again after its segments failed. */
class ScheduledBackupsTest {

    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void shouldGoOnAtOnceWhenTheLastSegmentDidNotFail() {
        assertThat(ScheduledBackups.retryAt(List.of(capture(BackupStatus.COMPLETED, 0), capture(BackupStatus.FAILED, -60)), HOUR))
                .isEmpty();
        assertThat(ScheduledBackups.retryAt(List.of(), HOUR)).isEmpty();
    }

    @Test
    void shouldWaitLongerAfterEachFailureInARowUpToASegment() {
        assertThat(ScheduledBackups.retryAt(List.of(capture(BackupStatus.FAILED, 0)), HOUR)).contains(T.plusSeconds(5));
        assertThat(ScheduledBackups.retryAt(List.of(capture(BackupStatus.FAILED, 0), capture(BackupStatus.FAILED, -10),
                capture(BackupStatus.FAILED, -20), capture(BackupStatus.COMPLETED, -30), capture(BackupStatus.FAILED, -40)), HOUR))
                .as("three in a row").contains(T.plusSeconds(20));
        List<BackupRecord> many = java.util.stream.IntStream.range(0, 40).mapToObj(i -> capture(BackupStatus.FAILED, -i)).toList();
        assertThat(ScheduledBackups.retryAt(many, HOUR)).contains(T.plus(HOUR));
    }

    @Test
    void shouldCountOnlyCaptureSegmentsAndStartAfreshFromANewFullBackup() {
        BackupRecord scheduledFull = record("full", "schedule", BackupStatus.COMPLETED, 5);
        BackupRecord failedFull = record("full", "schedule", BackupStatus.FAILED, 5);

        assertThat(ScheduledBackups.retryAt(List.of(scheduledFull, capture(BackupStatus.FAILED, 0)), HOUR))
                .as("a full backup completed since").isEmpty();
        assertThat(ScheduledBackups.retryAt(List.of(failedFull, capture(BackupStatus.FAILED, 0), capture(BackupStatus.FAILED, -10)), HOUR))
                .contains(T.plusSeconds(10));
    }

    private static BackupRecord capture(BackupStatus status, int secondsFromT) {
        return record("incremental", "capture", status, secondsFromT);
    }

    private static BackupRecord record(String type, String trigger, BackupStatus status, int secondsFromT) {
        Instant ended = T.plusSeconds(secondsFromT);
        return new BackupRecord("backup-" + type + "-" + secondsFromT, type, "mongodb", "us-east-1", status, trigger,
                ended.minusSeconds(1), ended, null, null, null, null, null, null, null, null, "s3://test/x",
                status == BackupStatus.FAILED ? "the oplog no longer holds the changes" : null, null);
    }
}
