package io.devflow.dr.status;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code dr status}: per region and store, the last full and incremental backups and their age against the
 * recovery point objective. A region whose storage cannot be reached is reported as such; the others still are.
 */
public final class BackupStatusService {

    private final DrConfig config;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final BackupCatalog catalog;
    private final Supplier<ActiveRegion> activeRegion;
    private final Clock clock;

    /** @param activeRegion the region whose backups the RPO applies to: the active one */
    public BackupStatusService(RegionDirectory regions, StoreRegistry stores, BackupCatalog catalog,
                               Supplier<ActiveRegion> activeRegion, Clock clock) {
        this.config = regions.config();
        this.activeRegion = activeRegion;
        this.regions = regions;
        this.stores = stores;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** The newest backup of one kind: id, when it completed, how old it is. */
    public record Last(String id, Instant completedAt, long ageSeconds) {
    }

    /**
     * @param rpoMet whether the newest backup is younger than the RPO; null where the RPO does not apply (a
     *               standby region without backups of its own) or the storage could not be read
     */
    public record StoreStatus(String region, String role, String store, Last lastFull, Last lastIncremental,
                              Boolean rpoMet, String error) {
    }

    public record Status(Instant checkedAt, String primaryRegion, int rpoMinutes, int rtoMinutes,
                         List<StoreStatus> stores) {
    }

    public Status status() {
        Instant now = clock.instant();
        Duration rpo = Duration.ofMinutes(config.recovery().rpoMinutes());
        List<StoreStatus> result = new ArrayList<>();
        RegionId active = active();
        for (RegionContext region : regions.all()) {
            String role = region.config().role().configName();
            for (StoreKind kind : StoreKind.values()) {
                if (!stores.get(kind).isConfigured(region.config())) {
                    continue;
                }
                try {
                    List<BackupRecord> completed = catalog.completed(kind, region);
                    Optional<Last> full = last(completed, "full", now);
                    Optional<Last> incremental = last(completed, "incremental", now);
                    Optional<Long> newest = completed.stream().findFirst()
                            .map(r -> Duration.between(r.completedAt(), now).toSeconds());
                    boolean primary = region.id().equals(active);
                    Boolean rpoMet = newest.map(age -> age <= rpo.toSeconds()).orElse(primary ? false : null);
                    result.add(new StoreStatus(region.id().value(), role, kind.id(), full.orElse(null),
                            incremental.orElse(null), rpoMet, null));
                } catch (RemoteOperationException e) {
                    result.add(new StoreStatus(region.id().value(), role, kind.id(), null, null, null,
                            "storage unreachable: " + Failures.describe(e)));
                }
            }
        }
        return new Status(now, config.primaryRegion().id().value(), config.recovery().rpoMinutes(),
                config.recovery().rtoMinutes(), result);
    }

    /** The active region; the configured primary while the control state cannot be read (status shows why). */
    private RegionId active() {
        try {
            return activeRegion.get().region();
        } catch (RuntimeException e) {
            return config.primaryRegion().id();
        }
    }

    private static Optional<Last> last(List<BackupRecord> completed, String type, Instant now) {
        return completed.stream().filter(r -> type.equals(r.type())).findFirst()
                .map(r -> new Last(r.id(), r.completedAt(), Duration.between(r.completedAt(), now).toSeconds()));
    }
}
