package io.devflow.dr.drill;

import io.devflow.dr.archive.Progress;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.recovery.plan.PlanEnums.StepState;
import io.devflow.dr.recovery.plan.PlanListener;
import io.devflow.dr.recovery.plan.PlanStep;
import io.devflow.dr.recovery.plan.Recoveries;
import io.devflow.dr.recovery.plan.RecoveryPlan;
import io.devflow.dr.recovery.plan.RestoreTarget;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.store.redis.RedisScratch;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The recovery-time drill (the seed's recovery time test): a real {@code full} recovery plan, the newest full backup
 * of every store configured in the target region, run by the plan runner into scratch databases of that region (the
 * backup drill's: new {@code dr_drill_<tag>_<database>} databases, spare Redis logical databases) and verified there.
 * A store's seconds run from the plan's start to its fingerprints verified, a measured recovery time; the drill
 * fails when a step fails or when the whole plan, start to verified, took longer than the RTO. The target is the
 * region a recovery after losing the active one goes to: the failover drill's target, or the active region when it
 * is the only one. The scratch databases are removed whatever happened.
 */
public final class RecoveryTimeDrill implements Drill {

    private static final PlanListener QUIET = new PlanListener() {
        @Override
        public void started(PlanStep step, Progress progress) {
        }

        @Override
        public void ended(PlanStep step) {
        }
    };

    private final DrConfig config;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final Recoveries recoveries;
    private final Supplier<RegionId> active;
    private final Duration rto;

    /** @param rto the recovery time objective the measured time is held against ({@code recovery.rto}) */
    public RecoveryTimeDrill(DrConfig config, RegionDirectory regions, StoreRegistry stores, Recoveries recoveries,
                             Supplier<RegionId> active, Duration rto) {
        this.config = config;
        this.regions = regions;
        this.stores = stores;
        this.recoveries = recoveries;
        this.active = active;
        this.rto = rto;
    }

    @Override
    public DrillType type() {
        return DrillType.RECOVERY_TIME;
    }

    @Override
    public void run(String id, DrillOutcome outcome) {
        RegionId target = target();
        Scratch scratch = new Scratch(id, regions.get(target));
        try {
            RecoveryPlan plan = recoveries.drill(id, target, scratch, "dr test " + id, QUIET);
            report(plan, outcome);
        } finally {
            scratch.remove(outcome);
        }
    }

    private RegionId target() {
        RegionId from = active.get();
        return config.sortedRegions().size() == 1 ? from : FailoverDrill.target(config, from);
    }

    private void report(RecoveryPlan plan, DrillOutcome outcome) {
        RecoveryPlan.Run run = plan.runs().get(plan.runs().size() - 1);
        for (StoreKind kind : StoreKind.values()) {
            if (stores.get(kind).isConfigured(regions.get(RegionId.of(plan.targetRegion())).config())
                    && plan.part(kind.id()).isEmpty()) {
                outcome.store(kind.id(), false, 0, "no completed full backup in any region's bucket; take one: "
                        + "dr backup --type full --store " + kind.id());
            }
        }
        for (RecoveryPlan.StorePart part : plan.stores()) {
            List<PlanStep> steps = plan.steps().stream().filter(s -> part.store().equals(s.store())).toList();
            PlanStep failed = steps.stream().filter(s -> s.state() != StepState.COMPLETED).findFirst().orElse(null);
            Instant end = failed == null ? steps.get(steps.size() - 1).finishedAt()
                    : failed.finishedAt() != null ? failed.finishedAt() : run.endedAt();
            double seconds = seconds(Duration.between(run.startedAt(), end));
            outcome.store(part.store(), failed == null, seconds, failed == null
                    ? part.backups().get(0) + " from " + part.sourceRegion() + "'s bucket recovered into "
                    + String.join(", ", part.databases().values()) + " in " + plan.targetRegion() + " and verified, "
                    + String.format(Locale.ROOT, "%.3f s", seconds) + " after the start of plan " + plan.id()
                    : "step " + failed.id() + (failed.state() == StepState.FAILED ? " failed" : " did not run")
                    + " (plan " + plan.id() + ")");
        }
        for (PlanStep step : plan.steps()) {
            if (step.state() == StepState.COMPLETED || step.state() == StepState.FAILED) {
                outcome.step(step.id(), step.state() == StepState.COMPLETED, seconds(Duration.ofMillis(step.durationMs())),
                        step.state() == StepState.COMPLETED ? step.detail() : step.error());
            }
        }
        if (run.endedAt() == null || !"completed".equals(run.outcome())) {
            return;
        }
        double total = seconds(Duration.between(run.startedAt(), run.endedAt()));
        boolean within = Duration.between(run.startedAt(), run.endedAt()).compareTo(rto) <= 0;
        outcome.step("within-rto", within, total, String.format(Locale.ROOT, "plan %s recovered and verified in %.3f s, "
                        + "%s the RTO of %s (recovery.rto; the plan estimated %d s)", plan.id(), total,
                within ? "within" : "over", target(rto), plan.estimatedSeconds()));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static String target(Duration rto) {
        return rto.toSeconds() >= 60 && rto.toSecondsPart() == 0 ? rto.toMinutes() + " min"
                : String.format(Locale.ROOT, "%.3f s", rto.toMillis() / 1000.0);
    }

    /**
     * The plan's restore target: per store, scratch databases in the target region, checked to be new (MongoDB,
     * InfluxDB) or empty (Redis) before the plan is made, and removed afterwards.
     */
    private final class Scratch implements RestoreTarget {

        private final String drillId;
        private final RegionContext region;
        private final Map<StoreKind, Map<String, String>> taken = new LinkedHashMap<>();

        Scratch(String drillId, RegionContext region) {
            this.drillId = drillId;
            this.region = region;
        }

        @Override
        public synchronized Map<String, String> databases(String store, Map<String, String> planned) {
            StoreKind kind = StoreKind.parse(store).orElseThrow();
            Map<String, String> scratch = kind == StoreKind.REDIS ? redis(planned) : named(kind, planned);
            taken.put(kind, scratch);
            return scratch;
        }

        private Map<String, String> named(StoreKind kind, Map<String, String> planned) {
            StoreOperations operations = stores.get(kind);
            if (!operations.supportsScratchRestore(region.config())) {
                throw new InvalidRequestException(kind.id() + " in " + region.id() + " cannot be restored into scratch "
                        + "databases (InfluxDB version 2 buckets are not created by dr); the recovery-time drill cannot "
                        + "measure its recovery");
            }
            Map<String, String> scratch = ScratchNames.of(drillId, planned.keySet());
            List<String> existing = ScratchDatabases.existing(operations, region);
            scratch.values().stream().filter(existing::contains).findFirst().ifPresent(name -> {
                throw new IllegalStateException("database " + name + " exists already on " + region.id() + "; a drill "
                        + "creates only databases that do not exist");
            });
            return scratch;
        }

        private Map<String, String> redis(Map<String, String> planned) {
            RedisScratch server = new RedisScratch(region.config().requireRedis());
            Iterator<Integer> spare = ScratchDatabases.redis(config, regions, planned.size()).iterator();
            Map<String, String> scratch = new LinkedHashMap<>();
            for (String source : planned.keySet()) {
                int database = spare.next();
                long held = server.size(database);
                if (held > 0) {
                    throw new IllegalStateException("scratch database " + database + " of " + server.display() + " in "
                            + region.id() + " holds " + held + " keys; a drill restores only into empty databases: "
                            + "empty it, or give the drill another one (recovery.drills.redisScratchDatabase)");
                }
                scratch.put(source, Integer.toString(database));
            }
            return scratch;
        }

        synchronized void remove(DrillOutcome outcome) {
            taken.forEach((kind, scratch) -> scratch.values().forEach(database -> {
                try {
                    if (kind == StoreKind.REDIS) {
                        new RedisScratch(region.config().requireRedis()).clear(Integer.parseInt(database));
                        outcome.cleaned("emptied redis scratch database " + database + " on " + region.id());
                    } else {
                        stores.get(kind).drop(region, database);
                        outcome.cleaned("dropped " + kind.id() + " database " + database + " on " + region.id());
                    }
                } catch (RuntimeException e) {
                    outcome.failed("scratch database " + database + " (" + kind.id() + ") on " + region.id()
                            + " could not be removed (" + Failures.describe(e) + "); remove it by hand");
                }
            }));
        }
    }
}
