package io.devflow.dr.drill;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.FailoverService;
import io.devflow.dr.support.Failures;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The planned failover drill ({@code recovery.drills.failover: planned}): a real failover to the target, then a
 * switchback, each run by the DR controller as any failover is and timed from start to finished. Production moves
 * twice; the drill is for deployments that rehearse exactly that. Each leg must complete within the RTO.
 */
public final class PlannedFailoverDrill implements Drill {

    private static final long POLL_MILLIS = 250;

    private final DrConfig config;
    private final FailoverService failovers;
    private final Supplier<RegionId> active;

    public PlannedFailoverDrill(DrConfig config, FailoverService failovers, Supplier<RegionId> active) {
        this.config = config;
        this.failovers = failovers;
        this.active = active;
    }

    @Override
    public DrillType type() {
        return DrillType.FAILOVER;
    }

    @Override
    public void run(String id, DrillOutcome outcome) {
        RegionId source = active.get();
        RegionId target = FailoverDrill.target(config, source);
        if (leg(id, outcome, "failover to " + target, target)) {
            leg(id, outcome, "switchback to " + source, source);
        }
    }

    private boolean leg(String id, DrillOutcome outcome, String name, RegionId to) {
        long started = System.nanoTime();
        FailoverRequest request = new FailoverRequest(to, "DR drill " + id, false, FailoverRequest.Trigger.MANUAL, "dr test");
        FailoverRecord record;
        try {
            awaitRunnable(request);
            record = failovers.start(request);
        } catch (RuntimeException e) {
            outcome.step(name, false, DrillOutcome.seconds(started), Failures.describe(e)
                    + " (a planned failover drill runs on the leading dr server: POST /api/tests, or its schedule)");
            return false;
        }
        if (record.state() == FailoverRecord.State.REFUSED) {
            outcome.step(name, false, DrillOutcome.seconds(started), "refused: " + String.join("; ",
                    record.plan().refusals().stream().map(r -> r.code() + ": " + r.message()).toList()));
            return false;
        }
        FailoverRecord finished = await(record);
        boolean completed = finished.state() == FailoverRecord.State.COMPLETED;
        outcome.step(name, completed, DrillOutcome.seconds(started), "failover " + finished.id() + " "
                + finished.state().id() + (finished.error() == null ? "" : ": " + finished.error()));
        return completed;
    }

    /**
     * Waits, at most the failover's drain timeout, for a plan that would run: right after the failover, replication
     * turns around and catches up before a switchback may start. A refusal that stays is reported by the start.
     */
    private void awaitRunnable(FailoverRequest request) {
        long deadline = System.nanoTime() + config.recovery().failover().drainTimeout().toNanos();
        while (!failovers.plan(request).runnable() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Follows a running failover until it finishes or the RTO has passed (then it is reported as it stands). */
    private FailoverRecord await(FailoverRecord running) {
        long deadline = System.nanoTime() + Duration.ofMinutes(config.recovery().rtoMinutes()).toNanos();
        FailoverRecord current = running;
        while (!current.state().finished() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
            current = failovers.get(running.id()).orElse(current);
        }
        return current;
    }
}
