package io.devflow.dr.drill;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.FencingConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.FailoverPlan;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.FailoverService;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.support.Failures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The isolated failover drill ({@code recovery.drills.failover: isolated}): the steps of a failover to the target,
 * each timed, with nothing production serves changed. Validate plans a real failover and fails on any refusal it
 * would meet (leadership aside: a drill takes none); stop-traffic is a dry run that says what routing and the fences
 * would do; promote proves the target's stores take writes, in scratch (a database per store, or a reserved Redis
 * key); verify runs the failover's own canaries on the target; compensate removes the scratch data. A failed step ends
 * the drill like it ends a failover; compensate always runs.
 */
public final class FailoverDrill implements Drill {

    private final DrConfig config;
    private final FailoverService failovers;
    private final Supplier<RegionId> active;
    private final ScratchWrites scratch;
    private final List<StoreCanary> canaries;

    public FailoverDrill(DrConfig config, FailoverService failovers, Supplier<RegionId> active, ScratchWrites scratch,
                         List<StoreCanary> canaries) {
        this.config = config;
        this.failovers = failovers;
        this.active = active;
        this.scratch = scratch;
        this.canaries = List.copyOf(canaries);
    }

    @Override
    public DrillType type() {
        return DrillType.FAILOVER;
    }

    @Override
    public void run(String id, DrillOutcome outcome) {
        RegionId source = active.get();
        RegionId target = target(config, source);
        RegionConfig targetConfig = config.region(target).orElseThrow();
        List<StoreKind> stores = Arrays.stream(StoreKind.values()).filter(targetConfig::has).toList();
        Map<StoreKind, Double> storeSeconds = new LinkedHashMap<>();
        List<String> storeFailures = new ArrayList<>();
        List<ScratchWrites.Written> written = new ArrayList<>();
        try {
            boolean ok = step(outcome, "validate-target", () -> validate(id, source, target))
                    && step(outcome, "stop-traffic (dry run)", () -> stopTraffic(source))
                    && step(outcome, "promote (scratch)", () -> promote(id, target, stores, written, storeSeconds, storeFailures))
                    && step(outcome, "verify", () -> verify(target, stores, storeSeconds, storeFailures));
            if (ok || !storeSeconds.isEmpty()) {
                for (StoreKind store : stores) {
                    String failure = storeFailures.stream().filter(f -> f.startsWith(store.id() + ":")).findFirst().orElse(null);
                    outcome.store(store.id(), failure == null && storeSeconds.containsKey(store),
                            storeSeconds.getOrDefault(store, 0.0), failure != null ? failure.substring(store.id().length() + 2)
                                    : storeSeconds.containsKey(store) ? "took writes in scratch and passed the canary in " + target
                                    : "not reached: an earlier step failed");
                }
            }
        } finally {
            step(outcome, "compensate", () -> compensate(written, outcome));
        }
    }

    /** The configured target, or when that is the active region (after a failover) or unset, the first standby. */
    static RegionId target(DrConfig config, RegionId source) {
        return config.recovery().drills().failoverTarget().filter(t -> !t.equals(source))
                .orElseGet(() -> config.sortedRegions().keySet().stream().filter(r -> !r.equals(source)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("a failover drill needs a second region; only "
                                + source + " is configured")));
    }

    private interface Step {
        String run();
    }

    /** Runs and times a step; a step fails by throwing, with the reason as its detail. */
    private static boolean step(DrillOutcome outcome, String name, Step step) {
        long started = System.nanoTime();
        try {
            String detail = step.run();
            outcome.step(name, true, DrillOutcome.seconds(started), detail);
            return true;
        } catch (RuntimeException e) {
            outcome.step(name, false, DrillOutcome.seconds(started), Failures.describe(e));
            return false;
        }
    }

    private String validate(String id, RegionId source, RegionId target) {
        FailoverPlan plan = failovers.plan(new FailoverRequest(target, "DR drill " + id, false,
                FailoverRequest.Trigger.MANUAL, "dr test"));
        List<String> refusals = plan.refusals().stream().filter(r -> !r.code().equals("not-leader"))
                .map(r -> r.code() + ": " + r.message()).toList();
        if (!refusals.isEmpty()) {
            throw new IllegalStateException("a failover from " + source + " to " + target + " would be refused now: "
                    + String.join("; ", refusals));
        }
        return "a failover from " + source + " to " + target + " would run; loss bound " + plan.lossBound().window().toMillis()
                + " ms, " + String.join(", ", plan.lag().stream().map(l -> l.store().id() + " lag "
                + (l.lag() == null ? "unknown" : l.lag().toMillis() + " ms")).toList());
    }

    private String stopTraffic(RegionId source) {
        FencingConfig fencing = config.recovery().failover().fencing();
        List<String> fences = new ArrayList<>();
        for (StoreKind store : StoreKind.values()) {
            if (!config.region(source).orElseThrow().has(store)) {
                continue;
            }
            fences.add(store.id() + ": " + (store == StoreKind.REDIS ? "CLIENT PAUSE WRITE"
                    : fencing.hooks().containsKey(store) ? "fence hook" : "not fenced (residual risk)"));
        }
        return "nothing changed; a failover would have " + config.recovery().failover().routing().provider().id()
                + " routing drain " + source + " and fence " + String.join(", ", fences);
    }

    private String promote(String id, RegionId target, List<StoreKind> stores, List<ScratchWrites.Written> written,
                           Map<StoreKind, Double> storeSeconds, List<String> storeFailures) {
        for (StoreKind store : stores) {
            long started = System.nanoTime();
            try {
                written.add(scratch.write(store, target, id));
            } catch (RuntimeException e) {
                storeFailures.add(store.id() + ": " + target + " took no write in scratch: " + Failures.describe(e));
            }
            storeSeconds.put(store, DrillOutcome.seconds(started));
        }
        if (!storeFailures.isEmpty()) {
            throw new IllegalStateException(String.join("; ", storeFailures));
        }
        return target + " took a write and read it back on every store, in scratch: " + String.join(", ",
                written.stream().map(ScratchWrites.Written::where).toList()) + "; the active region and its term unchanged";
    }

    private String verify(RegionId target, List<StoreKind> stores, Map<StoreKind, Double> storeSeconds,
                          List<String> storeFailures) {
        for (StoreKind store : stores) {
            StoreCanary canary = canaries.stream().filter(c -> c.store() == store).findFirst().orElseThrow();
            long started = System.nanoTime();
            try {
                StoreCanary.CanaryResult result = canary.check(target);
                if (!result.passed()) {
                    storeFailures.add(store.id() + ": " + result.detail());
                }
            } catch (RuntimeException e) {
                storeFailures.add(store.id() + ": the canary failed: " + Failures.describe(e));
            }
            storeSeconds.merge(store, DrillOutcome.seconds(started), Double::sum);
        }
        if (!storeFailures.isEmpty()) {
            throw new IllegalStateException(String.join("; ", storeFailures));
        }
        return stores.size() + " canaries written, read back and removed in " + target;
    }

    private String compensate(List<ScratchWrites.Written> written, DrillOutcome outcome) {
        List<String> failed = new ArrayList<>();
        for (ScratchWrites.Written w : written) {
            try {
                scratch.remove(w);
                outcome.cleaned("removed " + w.where());
            } catch (RuntimeException e) {
                failed.add(w.where() + " (" + Failures.describe(e) + "); remove it by hand");
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("could not remove " + String.join(", ", failed));
        }
        return written.isEmpty() ? "nothing to remove" : "removed " + written.size() + " scratch writes";
    }
}
