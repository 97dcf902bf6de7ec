package io.devflow.dr.recovery;

import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.verification.BackupVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Recovery to a point in time T: per store, the newest full backup that completed at or before T, then the
 * unbroken chain of increments up to the first one that covers T, replayed up to T. MongoDB replays its
 * change segments; InfluxDB filters points by time; Redis, which has snapshots only, restores the newest
 * snapshot at or before T and says so. A missing, failed, discontinuous or tampered link stops the
 * recovery before anything is written, naming the link.
 */
public final class PointInTimeRecovery {

    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final RestoreService restores;
    private final BackupVerifier verifier;
    private final Clock clock;

    public PointInTimeRecovery(BackupCatalog catalog, RegionDirectory regions, StoreRegistry stores,
                               RestoreService restores, BackupVerifier verifier, Clock clock) {
        this.catalog = catalog;
        this.regions = regions;
        this.stores = stores;
        this.restores = restores;
        this.verifier = verifier;
        this.clock = clock;
    }

    /** One store's part of the recovery: the backups to apply, in order, from the region that holds them. */
    public record StorePlan(String store, String sourceRegion, List<String> backups, Instant restoredAsOf, String note,
                            Map<String, String> databases) {
    }

    public record Plan(Instant pointInTime, String targetRegion, List<StorePlan> stores) {
    }

    public record Report(Instant pointInTime, String targetRegion, Map<String, Long> written, long skipped,
                         List<String> notes, long durationMs) {
    }

    /**
     * @param store one store, or every store that is configured in the target region and has backups
     * @param targetDatabases as for {@link RestoreService#plan}
     */
    public Plan plan(Instant pointInTime, Optional<StoreKind> store, RegionId target, List<String> targetDatabases) {
        if (pointInTime.isAfter(clock.instant())) {
            throw new InvalidRequestException("the point in time " + pointInTime + " is in the future");
        }
        RegionContext targetRegion = regions.get(target);
        List<StoreKind> kinds = store.map(List::of).orElseGet(() -> List.of(StoreKind.values()).stream()
                .filter(k -> stores.get(k).isConfigured(targetRegion.config())).toList());
        List<StorePlan> plans = new ArrayList<>();
        for (StoreKind kind : kinds) {
            if (!stores.get(kind).isConfigured(targetRegion.config())) {
                throw new InvalidRequestException("region " + target + " has no " + kind + " to restore into");
            }
            Optional<StorePlan> plan = planStore(kind, pointInTime, targetDatabases);
            if (plan.isPresent()) {
                plans.add(plan.get());
            } else if (store.isPresent()) {
                throw new InvalidRequestException("no " + kind + " backup in any region completed at or before "
                        + pointInTime + " ('dr backups list --store " + kind + "' shows them)");
            }
        }
        if (plans.isEmpty()) {
            throw new InvalidRequestException("no backup of any store completed at or before " + pointInTime);
        }
        return new Plan(pointInTime, target.value(), plans);
    }

    private Optional<StorePlan> planStore(StoreKind kind, Instant t, List<String> targetDatabases) {
        StoreOperations operations = stores.get(kind);
        List<BackupRecord> fulls = new ArrayList<>();
        Map<String, List<BackupRecord>> byRegion = new LinkedHashMap<>();
        for (RegionContext region : regions.all()) {
            List<BackupRecord> all = catalog.all(kind, region);
            refuseUnverified(all, t);
            List<BackupRecord> completed = all.stream().filter(BackupRecord::isCompleted).toList();
            byRegion.put(region.id().value(), completed);
            completed.stream().filter(r -> "full".equals(r.type()) && !r.completedAt().isAfter(t)).forEach(fulls::add);
        }
        Optional<BackupRecord> newestFull = fulls.stream().max(Comparator.comparing(BackupRecord::completedAt));
        if (newestFull.isEmpty()) {
            return Optional.empty();
        }
        Manifest full = newestFull.get().manifest();
        Map<String, String> databases = RestoreService.checked(full.store(),
                RestoreService.mapDatabases(RestoreService.databases(full), targetDatabases));
        if (!operations.supportsIncremental()) {
            return Optional.of(new StorePlan(kind.id(), full.region(), List.of(full.id()), full.coveredUntil(),
                    kind + " keeps snapshots only: restoring " + full.id() + " taken at " + full.coveredUntil()
                            + ", the newest at or before " + t, databases));
        }
        Chain chain = chain(operations, full, byRegion.get(full.region()), t);
        List<String> ids = new ArrayList<>();
        ids.add(full.id());
        chain.increments().forEach(m -> ids.add(m.id()));
        return Optional.of(new StorePlan(kind.id(), full.region(), ids, chain.restoredAsOf(), chain.note(), databases));
    }

    /**
     * A backup whose seal cannot be checked now (KMS unreachable) may be the base or a link of the plan: planning
     * around it could restore an older state than the one asked for, so the plan waits until it can be checked.
     * Damaged backups are never part of a plan.
     */
    private static void refuseUnverified(List<BackupRecord> backups, Instant t) {
        backups.stream().filter(b -> b.status() == BackupStatus.UNVERIFIED && !b.startedAt().isAfter(t)).findFirst()
                .ifPresent(b -> {
                    throw new KeyUnavailableException("cannot plan the recovery to " + t + ": " + b.error());
                });
    }

    /** The increments to replay over a full backup, oldest first, and what the result will be. */
    private record Chain(List<Manifest> increments, Instant restoredAsOf, String note) {
    }

    private Chain chain(StoreOperations operations, Manifest full, List<BackupRecord> region, Instant t) {
        if (operations.fullIsConsistent() && !full.coveredUntil().isBefore(t)) {
            return new Chain(List.of(), t, "full backup " + full.id() + " covers " + t);
        }
        Map<String, Manifest> increments = region.stream().filter(r -> "incremental".equals(r.type()))
                .collect(Collectors.toMap(BackupRecord::id, BackupRecord::manifest));
        if (increments.isEmpty()) {
            Instant asOf = full.coveredUntil();
            return new Chain(List.of(), asOf, "no " + full.store() + " increments exist: restoring full backup "
                    + full.id() + " as of " + asOf + "; later changes are in no backup");
        }
        Optional<Manifest> last = increments.values().stream()
                .filter(m -> !m.coveredUntil().isBefore(t))
                .min(Comparator.comparing(Manifest::coveredUntil));
        if (last.isEmpty()) {
            Instant newest = increments.values().stream().map(Manifest::coveredUntil).max(Comparator.naturalOrder()).orElseThrow();
            throw new InvalidRequestException("no " + full.store() + " increment in " + full.region() + " covers " + t
                    + "; the newest one ends at " + newest + ", the latest instant that can be restored");
        }
        List<Manifest> chain = new ArrayList<>();
        Manifest current = last.get();
        while (true) {
            chain.add(0, current);
            if (operations.continuesFrom(current, full)) {
                return new Chain(chain, t, "full backup " + full.id() + " and " + chain.size()
                        + " increment(s) replayed up to " + t);
            }
            Manifest parent = increments.get(current.parent());
            if (parent == null) {
                throw new InvalidRequestException("the chain to " + t + " has a gap: increment " + current.id()
                        + " continues from " + current.parent() + ", which is missing, did not complete, or is a full "
                        + "backup older than " + full.id() + " (changes in between are in no backup)");
            }
            if (!parent.positions().end().equals(current.positions().start())) {
                throw new InvalidRequestException("the chain to " + t + " has a gap: increment " + current.id()
                        + " does not start where " + parent.id() + " ended");
            }
            current = parent;
        }
    }

    /**
     * Verifies every backup of the plan (seal, size and checksum) before writing anything, then restores them
     * in order.
     */
    public Report restore(Plan plan, Progress progress) {
        Instant started = clock.instant();
        Map<String, List<BackupCatalog.Located>> located = new LinkedHashMap<>();
        for (StorePlan store : plan.stores()) {
            located.put(store.store(), verified(store.backups(), progress));
        }
        Written written = new Written();
        for (StorePlan store : plan.stores()) {
            List<BackupCatalog.Located> backups = located.get(store.store());
            apply(plan, store, backups.get(0).manifest(), backups, progress, written);
            written.notes.add(store.note());
        }
        progress.phase("restored to " + plan.pointInTime());
        return written.report(plan, Duration.between(started, clock.instant()).toMillis());
    }

    /**
     * Restores part of one store's chain: its backups from index {@code from} (0 is the full backup) up to {@code to}
     * (exclusive), after verifying every backup from {@code from} to the end of the chain, so that a damaged later link
     * stops the recovery before this part writes. Recovery plans run the full backup and the replay of its increments
     * as separate steps this way.
     */
    public Report restoreStore(Plan plan, String store, int from, int to, Progress progress) {
        Instant started = clock.instant();
        StorePlan part = plan.stores().stream().filter(s -> s.store().equals(store)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the plan has no " + store));
        List<BackupCatalog.Located> chain = verified(part.backups().subList(from, part.backups().size()), progress);
        Manifest full = from == 0 ? chain.get(0).manifest()
                : catalog.find(BackupId.parse(part.backups().get(0)).orElseThrow()).manifest();
        Written written = new Written();
        apply(plan, part, full, chain.subList(0, to - from), progress, written);
        if (to == part.backups().size()) {
            written.notes.add(part.note());
        }
        return written.report(plan, Duration.between(started, clock.instant()).toMillis());
    }

    private List<BackupCatalog.Located> verified(List<String> ids, Progress progress) {
        List<BackupCatalog.Located> backups = new ArrayList<>();
        for (String id : ids) {
            BackupCatalog.Located backup = catalog.find(BackupId.parse(id).orElseThrow());
            backup.requireTrusted();
            verifier.verify(backup.region(), backup.manifest(), VerifyLevel.QUICK, progress);
            backups.add(backup);
        }
        return backups;
    }

    private void apply(Plan plan, StorePlan store, Manifest full, List<BackupCatalog.Located> backups, Progress progress,
                       Written written) {
        RegionContext target = regions.get(RegionId.of(plan.targetRegion()));
        StoreOperations operations = stores.get(store.store());
        for (BackupCatalog.Located backup : backups) {
            boolean isFull = backup.manifest().id().equals(full.id());
            StoreOperations.Restorer restorer = operations.restorer(target, backup.manifest(), store.databases()::get,
                    operations.supportsIncremental() ? plan.pointInTime() : null,
                    isFull ? Map.of() : operations.heldBy(full));
            restores.apply(backup.region(), backup.manifest(), restorer, progress,
                    "applying " + backup.id() + " to " + plan.targetRegion());
            StoreOperations.RestoreResult result = restorer.result();
            result.written().forEach((k, v) -> written.counts.merge(store.store() + ":" + k, v, Long::sum));
            written.skipped += result.skipped();
            written.notes.addAll(result.warnings());
        }
    }

    /** What the applied backups wrote, summed over stores. */
    private static final class Written {
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private long skipped;

        Report report(Plan plan, long durationMs) {
            return new Report(plan.pointInTime(), plan.targetRegion(), counts, skipped, notes, durationMs);
        }
    }
}
