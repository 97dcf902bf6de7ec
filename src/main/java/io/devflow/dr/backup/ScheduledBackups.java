package io.devflow.dr.backup;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreKind;
import io.devflow.dr.store.StoreOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What the schedules and the change-capture worker back up: every store configured in the primary region.
 * The hourly incremental is an incremental where the store has them and a new full where it does not
 * (Redis); MongoDB increments come from the capture worker when it runs.
 */
public final class ScheduledBackups {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledBackups.class);

    private final DrConfig config;
    private final StoreRegistry stores;
    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final Clock clock;
    private volatile boolean waitingLogged;

    public ScheduledBackups(DrConfig config, StoreRegistry stores, BackupCatalog catalog, RegionDirectory regions,
                            Clock clock) {
        this.config = config;
        this.stores = stores;
        this.catalog = catalog;
        this.regions = regions;
        this.clock = clock;
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
        boolean hasFull = catalog.completed(StoreKind.MONGODB, primary).stream()
                .anyMatch(r -> BackupType.FULL.id().equals(r.type()));
        if (!hasFull) {
            if (!waitingLogged) {
                LOG.info("change capture waits for the first full MongoDB backup of {}", primary.id());
                waitingLogged = true;
            }
            return null;
        }
        waitingLogged = false;
        return new BackupRequest(BackupType.INCREMENTAL, StoreKind.MONGODB, primary.id(), "capture",
                clock.instant().plus(config.backup().incremental().segment()), new io.devflow.dr.archive.Progress());
    }

    public boolean captureWorkerRuns() {
        return config.backup().incremental().captureWorker() && config.primaryRegion().mongodb().isPresent();
    }
}
