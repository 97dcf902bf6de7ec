package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.region.RegionContext;
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
import java.util.function.Supplier;

/**
 * What the schedules and the change-capture worker back up: every store configured in the active region (the
 * configured primary until a failover made another region active). The hourly incremental is an incremental
 * where the store has them and a new full where it does not (Redis), or where no full backup was taken since
 * the failover that made the region active ({@link FailoverChains}); MongoDB increments come from the capture
 * worker when it runs, which follows the active region the same way.
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
    private final Supplier<ActiveRegion> activeRegion;
    private volatile boolean waitingLogged;
    private volatile Instant announcedRetry;

    /**
     * @param leads whether this process may extend the capture chain (in dr server: while it leads)
     * @param activeRegion the region backed up: the active one
     */
    public ScheduledBackups(DrConfig config, StoreRegistry stores, BackupCatalog catalog, RegionDirectory regions,
                            RunningBackups running, Clock clock, BooleanSupplier leads,
                            Supplier<ActiveRegion> activeRegion) {
        this.running = running;
        this.config = config;
        this.stores = stores;
        this.catalog = catalog;
        this.regions = regions;
        this.clock = clock;
        this.leads = leads;
        this.activeRegion = activeRegion;
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

    /** What a schedule's firing backs up: {@link #plan} of the active region, without the stores it skips. */
    public List<BackupRequest> requests(String type) {
        BackupType requested = BackupType.parse(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown backup type " + type));
        return plan(requested, activeRegion.get().region(), "schedule").stream()
                .flatMap(store -> store.request().stream()).toList();
    }

    /**
     * One backup of every store configured in {@code region}, as the schedules take it: in the active region an
     * incremental is a full backup where the store has no increments or no full backup since the failover that
     * made the region active, and MongoDB is left to the capture worker when it runs; elsewhere an incremental
     * is a full backup where the store has no increments. A store whose backup is still running in this process
     * is skipped.
     */
    public List<StorePlan> plan(BackupType requested, RegionId region, String trigger) {
        ActiveRegion active = activeRegion.get();
        boolean isActive = active.region().equals(region);
        RegionContext context = regions.get(region);
        List<StorePlan> plan = new ArrayList<>();
        for (StoreKind kind : StoreKind.values()) {
            StoreOperations store = stores.get(kind);
            if (!store.isConfigured(context.config())) {
                continue;
            }
            if (requested == BackupType.INCREMENTAL && kind == StoreKind.MONGODB && isActive && captureWorkerRuns(active)) {
                plan.add(StorePlan.skipped(kind, region, "its increments come from the change-capture worker of dr server"));
                continue;
            }
            Optional<PlannedBackup> busy = running.running(kind, region);
            if (busy.isPresent()) {
                LOG.info("{} backup of {} in {} skipped: {} is still running", requested.id(), kind.id(), region,
                        busy.get().id());
                plan.add(StorePlan.skipped(kind, region, busy.get().id() + " is still running"));
                continue;
            }
            BackupType effective = requested == BackupType.INCREMENTAL && (!store.supportsIncremental()
                    || isActive && startsChain(kind, context, active)) ? BackupType.FULL : requested;
            plan.add(new StorePlan(kind, region, Optional.of(new BackupRequest(effective, kind, region, trigger)),
                    Optional.empty()));
        }
        return plan;
    }

    /**
     * One store's part of a backup of every store of a region: the backup to take, or why there is none.
     */
    public record StorePlan(StoreKind store, RegionId region, Optional<BackupRequest> request, Optional<String> skipped) {

        static StorePlan skipped(StoreKind store, RegionId region, String reason) {
            return new StorePlan(store, region, Optional.empty(), Optional.of(reason));
        }
    }

    /** Whether an incremental of the store must be a full backup instead: the first one since a failover. */
    private boolean startsChain(StoreKind kind, RegionContext region, ActiveRegion active) {
        return active.since() != null && !FailoverChains.hasFull(catalog.all(kind, region), active);
    }

    /**
     * The next MongoDB segment for the capture worker, in the active region: changes from where the last one ended
     * until one segment length from now. Null while there is no full backup to start from yet. After a failover,
     * until a full backup of the newly active region exists, the worker's next backup is that full backup (its new
     * chain starts there); null when the active region has no MongoDB.
     */
    public BackupRequest nextSegment() {
        ActiveRegion active = activeRegion.get();
        RegionContext primary = regions.get(active.region());
        if (primary.config().mongodb().isEmpty()) {
            return null;
        }
        List<BackupRecord> backups = catalog.all(StoreKind.MONGODB, primary);
        boolean hasFull = FailoverChains.hasFull(backups, active);
        if (!hasFull && active.since() != null) {
            Optional<Instant> retryAt = retryAt(backups, config.backup().incremental().segment());
            if (retryAt.isPresent() && clock.instant().isBefore(retryAt.get())) {
                return null;
            }
            LOG.info("change capture moves to {}, active since {}: a full MongoDB backup starts its chain", primary.id(),
                    active.since());
            return new BackupRequest(BackupType.FULL, StoreKind.MONGODB, primary.id(), CAPTURE);
        }
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

    private boolean captureWorkerRuns(ActiveRegion active) {
        return config.backup().incremental().captureWorker() && config.region(active.region())
                .flatMap(RegionConfig::mongodb).isPresent();
    }
}
