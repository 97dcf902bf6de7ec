package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What the schedules and the change-capture worker back up: every store configured in the primary region.
 * The hourly incremental is an incremental where the store has them and a new full where it does not
 * (Redis); MongoDB increments come from the capture worker when it runs.
 */
public final class ScheduledBackups {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledBackups.class);
    private static final String CAPTURE = BackupRequest.CAPTURE;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);

    private final DrConfig config;
    private final StoreRegistry stores;
    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final RunningBackups running;
    private final Clock clock;
    private final BooleanSupplier leads;
    private volatile boolean waitingLogged;
    private volatile Instant announcedRetry;

    /** @param leads whether this process may extend the capture chain (in dr server: while it leads) */
    public ScheduledBackups(DrConfig config, StoreRegistry stores, BackupCatalog catalog, RegionDirectory regions,
                            RunningBackups running, Clock clock, BooleanSupplier leads) {
        this.running = running;
        this.config = config;
        this.stores = stores;
        this.catalog = catalog;
        this.regions = regions;
        this.clock = clock;
        this.leads = leads;
    }

    /**
     * The last check before a backup's manifest is committed: a capture segment is committed only while this
     * instance leads. A deposed leader's segment starts where the new leader's does, so committing it would fork
     * the chain; it is recorded as failed instead, and the leader's segment covers the same changes.
     */
    public void checkCommit(PlannedBackup backup) {
        if (CAPTURE.equals(backup.request().trigger()) && !leads.getAsBoolean()) {
            throw new IllegalStateException("capture segment " + backup.id() + " is not committed: this instance no "
                    + "longer leads, and the leader continues the capture chain");
        }
    }

    public List<BackupRequest> requests(String type) {
        BackupType requested = BackupType.parse(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown backup type " + type));
        RegionConfig primary = config.primaryRegion();
        List<BackupRequest> requests = new ArrayList<>();
        for (StoreKind kind : StoreKind.values()) {
            StoreOperations store = stores.get(kind);
            if (!store.isConfigured(primary)) {
                continue;
            }
            if (requested == BackupType.INCREMENTAL && kind == StoreKind.MONGODB && captureWorkerRuns()) {
                continue;
            }
            Optional<PlannedBackup> busy = running.running(kind, primary.id());
            if (busy.isPresent()) {
                LOG.info("scheduled {} backup of {} in {} skipped: {} is still running", requested.id(), kind.id(),
                        primary.id(), busy.get().id());
                continue;
            }
            BackupType effective = requested == BackupType.INCREMENTAL && !store.supportsIncremental()
                    ? BackupType.FULL : requested;
            requests.add(new BackupRequest(effective, kind, primary.id(), "schedule"));
        }
        return requests;
    }

    /**
     * The next MongoDB segment for the capture worker: changes from where the last one ended until one
     * segment length from now. Null while there is no full backup to start from yet.
     */
    public BackupRequest nextSegment() {
        var primary = regions.primary();
        List<BackupRecord> backups = catalog.all(StoreKind.MONGODB, primary);
        boolean hasFull = backups.stream().anyMatch(r -> r.isCompleted() && BackupType.FULL.id().equals(r.type()));
        if (!hasFull) {
            if (!waitingLogged) {
                LOG.info("change capture waits for the first full MongoDB backup of {}", primary.id());
                waitingLogged = true;
            }
            return null;
        }
        waitingLogged = false;
        Duration segment = config.backup().incremental().segment();
        Optional<Instant> retryAt = retryAt(backups, segment);
        Instant now = clock.instant();
        if (retryAt.isPresent() && now.isBefore(retryAt.get())) {
            if (!retryAt.get().equals(announcedRetry)) {
                announcedRetry = retryAt.get();
                List<BackupRecord> failed = failuresInARow(backups);
                LOG.warn("change capture of {} failed {} time(s) in a row, last: {}; the next attempt is at {}",
                        primary.id(), failed.size(), failed.get(0).error(), retryAt.get());
            }
            return null;
        }
        return new BackupRequest(BackupType.INCREMENTAL, StoreKind.MONGODB, primary.id(), CAPTURE,
                now.plus(segment), new io.devflow.dr.archive.Progress());
    }

    /**
     * After capture segments failed in a row, when to try the next: 5 s after the last failure, doubling with
     * each one up to a segment's length, so a lasting fault (an oplog that no longer reaches the last segment's
     * end, a key that cannot be used) is retried, not hammered. Empty when the newest segment did not fail, or
     * a full backup completed since (the next segment starts from it).
     *
     * @param backups the store's backups in the region, newest first
     */
    static Optional<Instant> retryAt(List<BackupRecord> backups, Duration segment) {
        List<BackupRecord> failed = failuresInARow(backups);
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(failed.size() - 1, 30));
        if (wait.compareTo(segment) > 0) {
            wait = segment;
        }
        BackupRecord last = failed.get(0);
        return Optional.of((last.completedAt() != null ? last.completedAt() : last.startedAt()).plus(wait));
    }

    /** The capture segments that failed since the last one that did not, or the last full backup, newest first. */
    private static List<BackupRecord> failuresInARow(List<BackupRecord> backups) {
        List<BackupRecord> failed = new ArrayList<>();
        for (BackupRecord backup : backups) {
            if (BackupType.FULL.id().equals(backup.type()) && backup.isCompleted()) {
                break;
            }
            if (!CAPTURE.equals(backup.trigger())) {
                continue;
            }
            if (backup.status() != BackupStatus.FAILED) {
                break;
            }
            failed.add(backup);
        }
        return failed;
    }

    public boolean captureWorkerRuns() {
        return config.backup().incremental().captureWorker() && config.primaryRegion().mongodb().isPresent();
    }
}
