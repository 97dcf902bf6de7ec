package io.devflow.dr.failover;

import io.devflow.dr.config.StoreKind;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a failover would do, shown by {@code --dry-run} and kept as the first part of its record: each step and what
 * it changes, the replication lag per store, the loss bound, and the reasons it would be refused.
 *
 * @param source the active region now
 * @param target the region to make active
 * @param switchback whether the target was the active region before the last failover (then it must be at zero lag)
 * @param steps the six steps, each with what it will change
 * @param lag per replicated store, source to target
 * @param lossBound what the target may not have if the source is lost now
 * @param refusals why it would not run; empty when it would
 * @param forced whether {@code --force} set aside a lag refusal
 */
public record FailoverPlan(String source, String target, boolean switchback, List<PlannedStep> steps,
                           List<StoreLag> lag, LossBound lossBound, List<Refusal> refusals, boolean forced) {

    public FailoverPlan {
        steps = List.copyOf(steps);
        lag = List.copyOf(lag);
        refusals = List.copyOf(refusals);
    }

    public boolean runnable() {
        return refusals.isEmpty();
    }

    /** A step and, in words, what it will change. */
    public record PlannedStep(FailoverStep step, String changes) {
    }

    /**
     * @param lag source time of the oldest change the target lacks, to now; zero when caught up
     * @param backlog changes known not yet applied; -1 when the source could not be read
     * @param caughtUp replication applied everything it has seen
     */
    public record StoreLag(StoreKind store, Duration lag, long backlog, boolean caughtUp) {
    }

    /**
     * The writes the target may not have: those of the last {@code window} at the source, {@code writes} of them
     * counted (a lower bound when the source cannot be read).
     */
    public record LossBound(Duration window, long writes, Instant since) {
    }

    /**
     * @param code a stable name: {@code target-unhealthy}, {@code lag-over-rpo}, {@code no-recent-backup},
     *             {@code not-leader}, {@code already-active}, {@code failover-running}, {@code not-caught-up}
     * @param message what is wrong and what to do
     * @param overridable whether {@code --force} sets it aside (only {@code lag-over-rpo})
     */
    public record Refusal(String code, String message, boolean overridable) {
    }
}
