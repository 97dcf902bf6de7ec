package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.FailureRecord;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.metrics.DrMetrics;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;

/**
 * What the dead-letter route does with a backup that could not complete: abort any multipart upload it
 * left open, remove its partial data, record why it failed in the catalog, and count it. Each step is best
 * effort (storage may be the thing that failed); none of them can make the backup look completed, because
 * only a manifest does that.
 */
public final class BackupFailures {

    private static final Logger LOG = LoggerFactory.getLogger(BackupFailures.class);

    private final DrMetrics metrics;
    private final RunningBackups running;
    private final Clock clock;

    public BackupFailures(DrMetrics metrics, RunningBackups running, Clock clock) {
        this.metrics = metrics;
        this.running = running;
        this.clock = clock;
    }

    public BackupRecord record(BackupJob job, Throwable failure) {
        String reason = Failures.isConnectionFailure(failure) && job.store() != StoreKind.MONGODB
                // MongoDB's own message names the servers it tried and why
                ? job.store().id() + " in " + job.region().id() + " cannot be reached (" + Failures.rootMessage(failure)
                        + "): check that it is running and that this host can reach it, then back up again"
                : Failures.describe(failure);
        job.release();
        running.remove(job);
        job.progress().phase("failed");
        var store = job.region().objectStore();
        try {
            int aborted = store.abortUploads(job.folder());
            if (aborted > 0) {
                LOG.info("backup {}: aborted {} open multipart upload(s)", job.id(), aborted);
            }
            if (store.head(job.dataObjectKey()).isPresent()) {
                store.delete(job.dataObjectKey());
            }
        } catch (RuntimeException e) {
            LOG.warn("backup {}: could not clean up its partial upload ({}); 'dr retention apply' removes it later",
                    job.id(), Failures.describe(e));
        }
        Instant failedAt = clock.instant();
        FailureRecord record = new FailureRecord(job.id().value(), job.request().type().id(), job.store().id(),
                job.region().id().value(), job.request().trigger(), job.startedAt(), failedAt,
                Math.max(1, job.attempts()), reason);
        try {
            store.put(ObjectLayout.of(job.region()).failure(job.store(), job.id()), Json.bytes(record), "application/json");
        } catch (RuntimeException e) {
            LOG.warn("backup {}: could not record its failure in {} ({})", job.id(), store.location(), Failures.describe(e));
        }
        metrics.backupFailed(job.store().id(), job.request().type().id(), job.region().id().value());
        return new BackupRecord(job.id().value(), job.request().type().id(), job.store().id(), job.region().id().value(),
                BackupStatus.FAILED, job.request().trigger(), job.startedAt(), failedAt, null,
                failedAt.toEpochMilli() - job.startedAt().toEpochMilli(), null, job.progress().items(), null, null,
                null, null, "s3://" + job.bucket() + "/" + job.folder(), reason, null);
    }
}
