package io.devflow.dr.recovery.plan;

import io.devflow.dr.archive.Manifest;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RecoveryPlansConfig.Hook;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.recovery.PointInTimeRecovery;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.recovery.plan.PlanEnums.Kind;
import io.devflow.dr.recovery.plan.PlanEnums.Mode;
import io.devflow.dr.recovery.plan.PlanEnums.PlanState;
import io.devflow.dr.recovery.plan.RecoveryPlan.StorePart;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.InvalidRequestException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Makes recovery plans from the backup catalog: a full recovery restores a full backup of each store (the newest, or
 * the one named) as it is; a point-in-time recovery the newest full backup before the instant and its increments up to
 * it ({@link PointInTimeRecovery#plan}). Steps, dependencies and estimates come from {@link PlanSteps}; the total is
 * the longest chain of steps, compared with the RTO. Nothing is written: a plan is recorded once it runs.
 */
public final class RecoveryPlanner {

    private final DrConfig config;
    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final RestoreService restores;
    private final PointInTimeRecovery pointInTime;
    private final ThroughputHistory history;
    private final ReplicationGuard replication;
    private final Supplier<RegionId> active;
    private final Clock clock;

    RecoveryPlanner(DrConfig config, BackupCatalog catalog, RegionDirectory regions, StoreRegistry stores, RestoreService restores,
                    PointInTimeRecovery pointInTime, ThroughputHistory history, ReplicationGuard replication,
                    Supplier<RegionId> active, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.regions = regions;
        this.stores = stores;
        this.restores = restores;
        this.pointInTime = pointInTime;
        this.history = history;
        this.replication = replication;
        this.active = active;
        this.clock = clock;
    }

    /**
     * @param at per store, the full backup to restore; a store not named gets its newest completed full backup
     * @param store one store, or every store configured in the target region
     */
    public record FullRequest(RegionId target, Map<StoreKind, BackupId> at, Optional<StoreKind> store, Mode mode, String by) {
    }

    /** @param target empty: the active region, a recovery in place */
    public record PointInTimeRequest(Instant pointInTime, Optional<RegionId> target, Optional<StoreKind> store, Mode mode,
                                     String by) {
    }

    public RecoveryPlan full(FullRequest request) {
        List<StoreKind> kinds = kinds(request.target(), request.store());
        request.at().keySet().stream().filter(k -> !kinds.contains(k)).findFirst().ifPresent(k -> {
            throw new InvalidRequestException("--at names a " + k + " backup, but the plan restores "
                    + kinds.stream().map(StoreKind::id).collect(Collectors.joining(", ")) + " only");
        });
        replication.check(request.target(), kinds);
        List<String> notes = new ArrayList<>();
        List<PlanSteps.Sized> parts = fullParts(kinds, request.at(), request.store().isPresent(), request.target(),
                (store, planned) -> planned, notes);
        return plan(Kind.FULL, request.target(), null, request.mode(), request.by(), parts, notes,
                config.recovery().plans().hooks(), null);
    }

    /**
     * A recovery-time drill's plan: a full recovery of every store configured in the target from its newest full
     * backup, into the databases {@code into} chooses, in merge mode (scratch databases start empty), without hooks.
     */
    RecoveryPlan drill(String drillId, RegionId target, RestoreTarget into, String by) {
        List<String> notes = new ArrayList<>();
        List<PlanSteps.Sized> parts = fullParts(kinds(target, Optional.empty()), Map.of(), false, target, into, notes);
        notes.add("recovery-time drill " + drillId + ": restored into scratch databases, removed afterwards; "
                + "recovery.plans.hooks not run (they act on production)");
        return plan(Kind.FULL, target, null, Mode.MERGE, by, parts, notes, List.of(), drillId);
    }

    private List<PlanSteps.Sized> fullParts(List<StoreKind> kinds, Map<StoreKind, BackupId> at, boolean oneStore,
                                            RegionId target, RestoreTarget into, List<String> notes) {
        List<PlanSteps.Sized> parts = new ArrayList<>();
        for (StoreKind kind : kinds) {
            Optional<BackupId> id = Optional.ofNullable(at.get(kind)).or(() -> newestFull(kind, notes));
            if (id.isEmpty()) {
                if (oneStore) {
                    throw new InvalidRequestException("no completed full backup of " + kind + " in any region's bucket "
                            + "('dr backups list --store " + kind + "' shows them)");
                }
                notes.add("no completed full backup of " + kind + " in any bucket: " + kind + " is not restored");
                continue;
            }
            RestoreService.Plan restore = restores.plan(id.get(), target, List.of());
            if (!restore.store().equals(kind.id())) {
                throw new InvalidRequestException("--at " + kind + "=" + id.get() + " names a " + restore.store() + " backup");
            }
            Map<String, String> databases = into.databases(kind.id(), restore.databases());
            if (!databases.equals(restore.databases())) {
                restore = restores.plan(id.get(), target, StepActions.renamed(databases));
            }
            Manifest manifest = catalog.find(id.get()).manifest();
            StorePart part = new StorePart(kind.id(), restore.sourceRegion(), List.of(id.get().value()), restore.databases(),
                    manifest.coveredUntil(), "full backup " + id.get() + " as of " + manifest.coveredUntil());
            parts.add(new PlanSteps.Sized(part, restore.storedBytes(), restore.items(), 0, 0, true));
        }
        if (parts.isEmpty()) {
            throw new InvalidRequestException("no store has a completed full backup to restore into " + target);
        }
        return parts;
    }

    public RecoveryPlan pointInTime(PointInTimeRequest request) {
        RegionId target = request.target().orElseGet(active);
        List<StoreKind> kinds = kinds(target, request.store());
        replication.check(target, kinds);
        PointInTimeRecovery.Plan chain = pointInTime.plan(request.pointInTime(), request.store(), target, List.of());
        List<PlanSteps.Sized> parts = new ArrayList<>();
        for (PointInTimeRecovery.StorePlan store : chain.stores()) {
            StoreKind kind = StoreKind.parse(store.store()).orElseThrow();
            Map<String, Manifest> manifests = catalog.all(kind, regions.get(RegionId.of(store.sourceRegion()))).stream()
                    .filter(r -> r.manifest() != null).collect(Collectors.toMap(BackupRecord::id, BackupRecord::manifest));
            Manifest full = manifests.get(store.backups().get(0));
            List<Manifest> increments = store.backups().subList(1, store.backups().size()).stream().map(manifests::get).toList();
            StorePart part = new StorePart(kind.id(), store.sourceRegion(), store.backups(), store.databases(),
                    store.restoredAsOf(), store.note());
            parts.add(new PlanSteps.Sized(part, full.object().size(), full.items(),
                    increments.stream().mapToLong(m -> m.object().size()).sum(),
                    increments.stream().mapToLong(Manifest::items).sum(), increments.isEmpty()));
        }
        List<String> notes = new ArrayList<>();
        kinds.stream().filter(k -> parts.stream().noneMatch(p -> p.part().store().equals(k.id())))
                .forEach(k -> notes.add("no " + k + " backup completed at or before " + request.pointInTime()
                        + ": " + k + " is not restored"));
        if (request.mode() == Mode.MERGE) {
            notes.add("merge mode keeps records the backups do not hold (those created after "
                    + request.pointInTime() + "); --mode replace restores exactly the state as of it");
        }
        return plan(Kind.POINT_IN_TIME, target, request.pointInTime(), request.mode(), request.by(), parts, notes,
                config.recovery().plans().hooks(), null);
    }

    private RecoveryPlan plan(Kind kind, RegionId target, Instant at, Mode mode, String by, List<PlanSteps.Sized> parts,
                              List<String> notes, List<Hook> hooks, String drill) {
        Instant now = clock.instant();
        List<PlanStep> steps = PlanSteps.of(parts, hooks, history::samples);
        long estimate = PlanGraph.criticalPathSeconds(steps);
        return new RecoveryPlan(RecoveryPlans.newId(now), kind, target.value(), target.equals(active.get()), mode, at,
                now, by, parts.stream().map(PlanSteps.Sized::part).toList(), steps, estimate,
                config.recovery().rtoMinutes() * 60L, PlanState.PLANNED, List.of(), null, null, notes, drill);
    }

    private List<StoreKind> kinds(RegionId target, Optional<StoreKind> store) {
        RegionConfig region = config.region(target).orElseThrow(() -> new InvalidRequestException("unknown region " + target));
        if (store.isPresent()) {
            if (!stores.get(store.get()).isConfigured(region)) {
                throw new InvalidRequestException("region " + target + " has no " + store.get() + " to restore into "
                        + "(disasterRecovery.regions." + target + "." + store.get() + ")");
            }
            return List.of(store.get());
        }
        return List.of(StoreKind.values()).stream().filter(k -> stores.get(k).isConfigured(region)).toList();
    }

    private Optional<BackupId> newestFull(StoreKind kind, List<String> notes) {
        BackupCatalog.Listing listing = catalog.list(Optional.of(kind), Optional.empty());
        listing.unreachable().forEach((region, why) -> notes.add("the bucket of " + region + " could not be listed ("
                + why + "): its " + kind + " backups are not considered"));
        return listing.backups().stream().filter(b -> b.isCompleted() && "full".equals(b.type()))
                .max(Comparator.comparing(BackupRecord::completedAt)).map(b -> BackupId.parse(b.id()).orElseThrow());
    }
}
