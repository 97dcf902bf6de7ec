package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.CatalogIndex;
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
 * What the dead-letter route does with a backup that could not complete: close its data key, abort any
 * multipart upload it left open, remove its partial data, record why it failed in the catalog, and count it.
 * The storage steps are best effort (storage may be the thing that failed); none of them can make the backup
 * look completed, because only a manifest does that.
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

    public BackupRecord record(PlannedBackup backup, Throwable failure) {
        String reason = Failures.isConnectionFailure(failure) && backup.store() != StoreKind.MONGODB
                // MongoDB's own message names the servers it tried and why
                ? backup.store().id() + " in " + backup.region().id() + " cannot be reached (" + Failures.rootMessage(failure)
                        + "): check that it is running and that this host can reach it, then back up again"
                : Failures.describe(failure);
        int attempts = running.finish(backup);
        backup.progress().phase("failed");
        var store = backup.region().objectStore();
        try {
            int aborted = store.abortUploads(backup.folder());
            if (aborted > 0) {
                LOG.info("backup {}: aborted {} open multipart upload(s)", backup.id(), aborted);
            }
            if (store.head(backup.dataObjectKey()).isPresent()) {
                store.delete(backup.dataObjectKey());
            }
        } catch (RuntimeException e) {
            LOG.warn("backup {}: could not clean up its partial upload ({}); 'dr retention apply' removes it later",
                    backup.id(), Failures.describe(e));
        }
        Instant failedAt = clock.instant();
        FailureRecord record = new FailureRecord(backup.id().value(), backup.request().type().id(), backup.store().id(),
                backup.region().id().value(), backup.request().trigger(), backup.startedAt(), failedAt,
                Math.max(1, attempts), reason);
        try {
            store.put(ObjectLayout.of(backup.region()).failure(backup.store(), backup.id()), Json.bytes(record),
                    "application/json");
            CatalogIndex.forgetIfEarlierMonth(backup.region(), backup.store(), backup.id(), failedAt);
        } catch (RuntimeException e) {
            LOG.warn("backup {}: could not record its failure in {} ({})", backup.id(), store.location(),
                    Failures.describe(e));
        }
        metrics.backupFailed(backup.store().id(), backup.request().type().id(), backup.region().id().value());
        return new BackupRecord(backup.id().value(), backup.request().type().id(), backup.store().id(),
                backup.region().id().value(), BackupStatus.FAILED, backup.request().trigger(), backup.startedAt(),
                failedAt, null, failedAt.toEpochMilli() - backup.startedAt().toEpochMilli(), null,
                backup.progress().items(), null, null, null, null, backup.location(), reason, null);
    }
}
