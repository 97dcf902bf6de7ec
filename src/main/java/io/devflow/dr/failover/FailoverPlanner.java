package io.devflow.dr.failover;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.failover.FailoverPlan.LossBound;
import io.devflow.dr.failover.FailoverPlan.PlannedStep;
import io.devflow.dr.failover.FailoverPlan.Refusal;
import io.devflow.dr.failover.FailoverPlan.StoreLag;
import io.devflow.dr.support.InvalidRequestException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Plans a failover from the evidence at hand: who leads, which region is active, the target's health, the
 * replication lag per store, the target's backups. The plan says what each step will change, the loss bound, and
 * every reason to refuse; {@code --force} sets aside only a lag over the RPO. A switchback (back to the region that
 * was active before the last failover) needs every store caught up, since its writes would otherwise be lost.
 */
public final class FailoverPlanner {

    /** What planning reads; live in a server or CLI, scripted in tests. */
    public interface Evidence {

        /** Why this process may not fail over (a standby: names the leader); empty when it leads. */
        Optional<String> notLeader();

        ActiveRegion active();

        /** What failed in the region's store checks, one line each; empty when all passed. */
        List<String> unhealthy(RegionId region);

        /** Replication from {@code source} to {@code target} of one store; empty when it is not replicated. */
        Optional<StoreLag> lag(RegionId source, RegionId target, StoreKind store);

        /** When the newest verified backup of the store in the region's bucket completed. */
        Optional<Instant> lastBackup(StoreKind store, RegionId region);

        /** The failovers not finished, newest first. */
        List<FailoverRecord> unfinished();

        /** The region that was active before the failover that made {@code active} active; empty for none. */
        Optional<RegionId> activeBefore(ActiveRegion active);
    }

    private final DrConfig config;
    private final Evidence evidence;
    private final Clock clock;

    public FailoverPlanner(DrConfig config, Evidence evidence, Clock clock) {
        this.config = config;
        this.evidence = evidence;
        this.clock = clock;
    }

    public FailoverPlan plan(FailoverRequest request) {
        RegionConfig target = config.region(request.target()).orElseThrow(() -> new InvalidRequestException(
                "unknown region '" + request.target() + "'; configured regions are " + String.join(", ",
                        config.sortedRegions().keySet().stream().map(RegionId::value).toList())));
        List<Refusal> refusals = new ArrayList<>();
        evidence.notLeader().ifPresent(why -> refusals.add(new Refusal("not-leader", why, false)));
        ActiveRegion active = evidence.active();
        RegionId source = active.region();
        // a planned switchback, while the active region answers; when it does not, going back is a failover like
        // any other (the RPO bounds the loss), or a deployment that failed over once could never leave a dead region
        boolean switchback = evidence.activeBefore(active).filter(request.target()::equals).isPresent()
                && evidence.unhealthy(source).isEmpty();
        if (source.equals(request.target())) {
            refusals.add(new Refusal("already-active", request.target() + " is the active region already (term "
                    + active.term() + "); nothing to fail over", false));
        }
        evidence.unfinished().stream().findFirst().ifPresent(running -> refusals.add(new Refusal("failover-running",
                "failover " + running.id() + " to " + running.request().target() + " is " + running.state().id()
                        + "; wait for it (dr failovers show " + running.id() + ")", false)));
        List<StoreLag> lag = new ArrayList<>();
        if (!source.equals(request.target())) {
            refusals.addAll(targetChecks(target, source, switchback, lag));
        }
        boolean forced = request.force() && refusals.stream().anyMatch(r -> r.code().equals("lag-over-rpo"));
        if (request.force()) {
            refusals.removeIf(Refusal::overridable);
        }
        return new FailoverPlan(source.value(), request.target().value(), switchback, steps(source, request.target()),
                lag, lossBound(lag), refusals, forced);
    }

    /**
     * Step 1's checks, made again when the failover runs: the target's stores healthy, a recent backup of each in its
     * bucket, replication lag within the RPO (or, for a switchback, none). Fills {@code lag} per store.
     */
    List<Refusal> targetChecks(RegionConfig target, RegionId source, boolean switchback, List<StoreLag> lag) {
        List<Refusal> refusals = new ArrayList<>();
        RegionId region = target.id();
        Duration rpo = Duration.ofMinutes(config.recovery().rpoMinutes());
        Instant now = clock.instant();
        List<String> unhealthy = evidence.unhealthy(region);
        if (!unhealthy.isEmpty()) {
            refusals.add(new Refusal("target-unhealthy", region + " is not healthy: " + String.join("; ", unhealthy)
                    + "; fix it or choose another region", false));
        }
        for (StoreKind store : stores(target)) {
            Optional<Instant> backup = evidence.lastBackup(store, region);
            if (backup.isEmpty() || Duration.between(backup.get(), now).compareTo(rpo) > 0) {
                refusals.add(new Refusal("no-recent-backup", "no verified " + store.id() + " backup in " + region
                        + "'s bucket within the RPO of " + rpo.toMinutes() + " min" + backup.map(b -> " (newest: " + b + ")")
                        .orElse("") + "; run: dr backup --type full --store " + store.id() + " --region " + region, false));
            }
            // a store replication is configured to carry but has not reported on (it has just started, or does not
            // run): its lag is unknown; one it does not carry has what the target's newest backup has
            StoreLag storeLag = evidence.lag(source, region, store).orElseGet(() -> replicated(source, region, store)
                    ? new StoreLag(store, null, -1, false)
                    : new StoreLag(store, backup.map(b -> Duration.between(b, now)).orElse(null), -1, false));
            lag.add(storeLag);
            if (switchback && !storeLag.caughtUp()) {
                refusals.add(new Refusal("not-caught-up", "switching back to " + region + " needs " + store.id()
                        + " replication from " + source + " caught up (lag " + describe(storeLag.lag()) + ", backlog "
                        + storeLag.backlog() + "); wait until dr status shows no lag, then run it again", false));
            } else if (storeLag.lag() == null) {
                refusals.add(new Refusal("lag-over-rpo", store.id() + " replication lag to " + region + " is unknown: "
                        + "no streaming " + store.id() + " worker has reported on it (replication starting, in its "
                        + "initial sync, stopped, or its source unreachable), so what " + region + " lacks may exceed "
                        + "the RPO of " + rpo.toMinutes() + " min; see dr status, wait until it streams, or --force "
                        + "fails over anyway and loses whatever " + region + " lacks", true));
            } else if (storeLag.lag().compareTo(rpo) > 0) {
                refusals.add(new Refusal("lag-over-rpo", store.id() + " replication lag to " + region + " is "
                        + describe(storeLag.lag()) + ", over the RPO of " + rpo.toMinutes() + " min; --force fails over "
                        + "anyway and loses those writes", true));
            }
        }
        return refusals;
    }

    /** Whether replication is configured to carry the store from {@code source} to {@code target}. */
    private boolean replicated(RegionId source, RegionId target, StoreKind store) {
        return config.replication().filter(r -> r.enabled() && r.replicates(store)).map(r -> {
            Set<RegionId> regions = new HashSet<>(r.targets());
            regions.add(r.source());
            return regions.contains(source) && regions.contains(target);
        }).orElse(false);
    }

    static List<StoreKind> stores(RegionConfig region) {
        return Arrays.stream(StoreKind.values()).filter(region::has).toList();
    }

    private LossBound lossBound(List<StoreLag> lag) {
        Duration window = lag.stream().map(l -> l.lag() == null ? Duration.ofMinutes(config.recovery().rpoMinutes())
                .plusSeconds(1) : l.lag()).max(Duration::compareTo).orElse(Duration.ZERO);
        long writes = lag.stream().mapToLong(l -> Math.max(0, l.backlog())).sum();
        return new LossBound(window, writes, clock.instant().minus(window));
    }

    private List<PlannedStep> steps(RegionId source, RegionId target) {
        return List.of(
                new PlannedStep(FailoverStep.VALIDATE_TARGET, "nothing: checks " + target + "'s stores and the replication lag"),
                new PlannedStep(FailoverStep.STOP_TRAFFIC, config.recovery().failover().routing().provider().id()
                        + " routing drains " + source + "; writes at " + source + "'s stores fenced where configured"),
                new PlannedStep(FailoverStep.PROMOTE, "replication from " + source + " drained (at most "
                        + config.recovery().failover().drainTimeout().toSeconds() + " s) if it answers; " + target
                        + " becomes the active region in a new term"),
                new PlannedStep(FailoverStep.UPDATE_ROUTING, config.recovery().failover().routing().provider().id()
                        + " routing sends clients to " + target),
                new PlannedStep(FailoverStep.VERIFY, "nothing: a canary write and read on every store of " + target
                        + (config.recovery().failover().smokeUrls().isEmpty() ? "" : ", and the smoke URLs")),
                new PlannedStep(FailoverStep.NOTIFY, "nothing: the configured notifiers are told"));
    }

    static String describe(Duration lag) {
        return lag == null ? "unknown" : lag.toMillis() < 1000 ? lag.toMillis() + " ms" : lag.toSeconds() + " s";
    }
}
