package io.devflow.dr.failover.auto;

import io.devflow.dr.config.AutoFailoverConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * When the controller fails over by itself: the seed's triggers (the active region's stores unreachable, replication
 * lag over the RPO, the applications' health URLs failing), each only after {@code failedChecks} checks in a row,
 * and the guards that keep a sick controller from making things worse. Plain state, fed one {@link Observation} per
 * check by the leader; a new leader starts counting afresh, which can only delay a failover, never cause one.
 *
 * <p>Guards, in order: a target whose stores all answer (a controller that reaches no other region may be the one
 * cut off); {@code recovery.autoFailover} on; the controller's leadership confirmed by its engine; no automatic
 * failover within the cooldown unless an operator acknowledged it. The loss bound is checked after this, by the
 * failover's own plan, which refuses when it exceeds the RPO.
 */
public final class AutoFailoverPolicy {

    private final AutoFailoverConfig config;
    private final boolean enabled;
    private final Duration rpo;
    private final Streak stores = new Streak();
    private final Streak lag = new Streak();
    private final Streak apps = new Streak();

    public AutoFailoverPolicy(AutoFailoverConfig config, boolean enabled, Duration rpo) {
        this.config = config;
        this.enabled = enabled;
        this.rpo = rpo;
    }

    /**
     * Takes one check into account and says what to do.
     *
     * @param lastAutomatic when the last automatic failover started, if any
     * @param acknowledged whether an operator acknowledged it (lifts the cooldown)
     */
    public Verdict observe(Observation o, Optional<Instant> lastAutomatic, boolean acknowledged) {
        return observe(o, () -> lastAutomatic, () -> acknowledged);
    }

    /**
     * As {@link #observe(Observation, Optional, boolean)}, asking for the last automatic failover only when a trigger
     * holds and the cooldown decides: it is read from the control state, which a healthy check need not touch.
     */
    public Verdict observe(Observation o, Supplier<Optional<Instant>> lastAutomatic, BooleanSupplier acknowledged) {
        List<String> evidence = new ArrayList<>();
        Map<StoreKind, String> down = o.down(o.active());
        stores.record(!down.isEmpty(), o.at());
        down.forEach((store, error) -> evidence.add(store.id() + " in " + o.active() + " unreachable (" + stores.count
                + " check(s) in a row since " + stores.since + "): " + error));
        List<String> lagging = new ArrayList<>();
        o.lag().forEach((region, perStore) -> perStore.forEach((store, behind) -> {
            if (behind.compareTo(rpo) > 0) {
                lagging.add(store.id() + " replication " + o.active() + " -> " + region + " is " + behind.toSeconds()
                        + " s behind, over the RPO of " + rpo.toMinutes() + " min");
            }
        }));
        lag.record(!lagging.isEmpty(), o.at());
        lagging.forEach(line -> evidence.add(line + " (" + lag.count + " check(s) in a row since " + lag.since + ")"));
        apps.record(!o.appChecksFailed().isEmpty(), o.at());
        o.appChecksFailed().forEach((url, error) -> evidence.add("application health " + url + " failing (" + apps.count
                + " check(s) in a row since " + apps.since + "): " + error));

        if (evidence.isEmpty()) {
            return Verdict.healthy(o.at());
        }
        Instant since = earliest(stores, lag, apps);
        int needed = config.failedChecks();
        if (stores.count < needed && lag.count < needed && apps.count < needed) {
            return new Verdict(Verdict.Action.WATCHING, null, "watching", "failing checks, not yet " + needed
                    + " in a row", evidence, since);
        }
        Optional<RegionId> target = o.regionsChecked().stream()
                .filter(r -> !r.equals(o.active()) && o.down(r).isEmpty())
                .findFirst();
        if (target.isEmpty()) {
            return refused(null, "no-healthy-target", "no other region answers on all its stores; this controller may be "
                    + "the one cut off, so it does not fail over", evidence, since);
        }
        if (!enabled) {
            return refused(target.get(), "auto-failover-off", "recovery.autoFailover is false: fail over by hand with "
                    + "'dr failover " + target.get() + " --reason ...' if the region is lost", evidence, since);
        }
        if (!o.clusterConfirmed()) {
            return refused(target.get(), "controller-isolated", "this controller's leadership is not confirmed by its "
                    + "election engine; it may be the one cut off", evidence, since);
        }
        Optional<Instant> last = lastAutomatic.get();
        if (last.isPresent() && Duration.between(last.get(), o.at()).compareTo(config.cooldown()) < 0
                && !acknowledged.getAsBoolean()) {
            return refused(target.get(), "cooldown", "an automatic failover started at " + last.get()
                    + ", within the cooldown of " + config.cooldown().toMinutes() + " min; acknowledge it with "
                    + "'dr failovers acknowledge' to allow another", evidence, since);
        }
        return new Verdict(Verdict.Action.FAIL_OVER, target.get(), "triggered", "failing over from " + o.active() + " to "
                + target.get(), evidence, since);
    }

    /** Forgets the streaks: after a failover, checks of the new active region start from zero. */
    public void reset() {
        stores.reset();
        lag.reset();
        apps.reset();
    }

    private static Verdict refused(RegionId target, String code, String reason, List<String> evidence, Instant since) {
        return new Verdict(Verdict.Action.REFUSED, target, code, reason, evidence, since);
    }

    private static Instant earliest(Streak... streaks) {
        Instant first = null;
        for (Streak s : streaks) {
            if (s.since != null && (first == null || s.since.isBefore(first))) {
                first = s.since;
            }
        }
        return first;
    }

    /** Consecutive failing checks of one trigger, and since when. */
    private static final class Streak {
        private int count;
        private Instant since;

        void record(boolean failing, Instant at) {
            if (failing) {
                count++;
                since = since == null ? at : since;
            } else {
                reset();
            }
        }

        void reset() {
            count = 0;
            since = null;
        }
    }
}
