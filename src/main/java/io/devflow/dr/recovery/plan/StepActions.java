package io.devflow.dr.recovery.plan;

import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.config.RecoveryPlansConfig.Hook;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.recovery.PointInTimeRecovery;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.recovery.plan.PlanEnums.Kind;
import io.devflow.dr.recovery.plan.PlanEnums.Mode;
import io.devflow.dr.recovery.plan.RecoveryPlan.StorePart;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.verification.RestoredFingerprints;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each type of step does, through the services {@code dr restore} uses: a full backup through
 * {@link RestoreService}, a point-in-time chain through {@link PointInTimeRecovery} (its full backup and its increments
 * as two steps), fingerprints through {@link RestoredFingerprints}, hooks through {@link PlanHooks}. Every step can run
 * again after a crash: restores write by identity, replace mode empties again first.
 */
final class StepActions {

    private final RestoreService restores;
    private final PointInTimeRecovery pointInTime;
    private final RestoredFingerprints fingerprints;
    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final List<Hook> hooks;
    private final PlanHooks runner = new PlanHooks();

    StepActions(RestoreService restores, PointInTimeRecovery pointInTime, RestoredFingerprints fingerprints,
                BackupCatalog catalog, RegionDirectory regions, StoreRegistry stores, List<Hook> hooks) {
        this.restores = restores;
        this.pointInTime = pointInTime;
        this.fingerprints = fingerprints;
        this.catalog = catalog;
        this.regions = regions;
        this.stores = stores;
        this.hooks = hooks;
    }

    /** Runs one step; returns what it did, for the record. */
    String run(RecoveryPlan plan, PlanStep step, Progress progress) {
        return switch (step.type()) {
            case RESTORE_STORE -> restore(plan, part(plan, step), progress);
            case REPLAY_INCREMENTS -> replay(plan, part(plan, step), progress);
            case VERIFY_FINGERPRINTS -> verify(plan, part(plan, step), progress);
            case HOOK -> hook(plan, step);
        };
    }

    private String restore(RecoveryPlan plan, StorePart part, Progress progress) {
        RegionId target = RegionId.of(plan.targetRegion());
        String emptied = "";
        if (plan.mode() == Mode.REPLACE) {
            progress.phase("emptying " + part.store() + " in " + target);
            List<String> databases = List.copyOf(part.databases().values());
            stores.get(part.store()).empty(regions.get(target), databases);
            emptied = "emptied " + String.join(", ", databases) + "; ";
        }
        if (plan.kind() == Kind.FULL) {
            RestoreService.Plan restore = restores.plan(BackupId.parse(part.backups().get(0)).orElseThrow(), target,
                    renamed(part.databases()));
            RestoreService.Report report = restores.restore(restore, progress);
            return emptied + "wrote " + report.total() + " items from " + part.backups().get(0);
        }
        PointInTimeRecovery.Report report = pointInTime.restoreStore(chain(plan, part), part.store(), 0, 1, progress);
        return emptied + "wrote " + total(report) + " items from " + part.backups().get(0);
    }

    private String replay(RecoveryPlan plan, StorePart part, Progress progress) {
        int increments = part.backups().size();
        PointInTimeRecovery.Report report = pointInTime.restoreStore(chain(plan, part), part.store(), 1, increments, progress);
        return "replayed " + (increments - 1) + " increment(s) up to " + plan.pointInTime() + ": " + total(report)
                + " changes applied, " + report.skipped() + " after it left out";
    }

    private String verify(RecoveryPlan plan, StorePart part, Progress progress) {
        BackupCatalog.Located backup = catalog.find(BackupId.parse(part.backups().get(0)).orElseThrow());
        backup.requireTrusted();
        RegionContext target = regions.get(RegionId.of(plan.targetRegion()));
        RestoredFingerprints.Comparison comparison = fingerprints.compare(backup.region(), backup.manifest(), target,
                part.databases(), progress);
        int sections = comparison.sections().size();
        if (comparison.exact()) {
            return "the fingerprints of all " + sections + " sections match " + backup.id();
        }
        String differing = String.join(", ", comparison.differing().stream().map(s -> String.format(Locale.ROOT,
                "%s (%d items, backup %d)", s.name(), s.actualItems(), s.expectedItems())).toList());
        if (plan.mode() == Mode.MERGE && comparison.holdsAtLeastTheBackup()) {
            return (sections - comparison.differing().size()) + " of " + sections + " sections match " + backup.id()
                    + "; " + differing + " also hold records the backup does not (merge keeps them; --mode replace "
                    + "leaves exactly the backup's state)";
        }
        throw new IllegalStateException(part.store() + " in " + plan.targetRegion() + " does not match " + backup.id()
                + ": " + differing);
    }

    private String hook(RecoveryPlan plan, PlanStep step) {
        Hook hook = hooks.stream().filter(h -> ("hook-" + h.name()).equals(step.id())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the hook " + step.id().substring("hook-".length())
                        + " is no longer in recovery.plans.hooks; put it back to resume this plan"));
        return runner.run(hook, plan.id(), plan.targetRegion());
    }

    /**
     * The databases a part writes under another name, as {@code SOURCE=TARGET} for {@link RestoreService#plan}: none
     * for a recovery, which writes where the backup came from; a drill's scratch databases.
     */
    static List<String> renamed(Map<String, String> databases) {
        return databases.entrySet().stream().filter(e -> !e.getKey().equals(e.getValue()))
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    private static StorePart part(RecoveryPlan plan, PlanStep step) {
        return plan.part(step.store()).orElseThrow(() -> new IllegalStateException("plan " + plan.id()
                + " has no part for " + step.store()));
    }

    private static PointInTimeRecovery.Plan chain(RecoveryPlan plan, StorePart part) {
        return new PointInTimeRecovery.Plan(plan.pointInTime(), plan.targetRegion(), List.of(new PointInTimeRecovery.StorePlan(
                part.store(), part.sourceRegion(), part.backups(), part.restoredAsOf(), part.note(), part.databases())));
    }

    private static long total(PointInTimeRecovery.Report report) {
        return report.written().values().stream().mapToLong(Long::longValue).sum();
    }
}
