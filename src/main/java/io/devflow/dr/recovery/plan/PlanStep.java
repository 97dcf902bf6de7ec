package io.devflow.dr.recovery.plan;

import io.devflow.dr.recovery.plan.PlanEnums.StepState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One step of a recovery plan, as planned and as it ran.
 *
 * @param store the store the step works on; null for a hook
 * @param backups the backups the step reads, in order
 * @param dependsOn the steps that must complete before this one starts
 * @param bytes stored (compressed, encrypted) bytes the step reads: what its estimate scales with
 * @param items items the backups hold
 * @param durationMs how long the last attempt ran, once it ended
 * @param attempts how many times the step was started (a resume after a crash in it starts it again)
 * @param detail what the step found (written counts, fingerprints compared)
 */
public record PlanStep(String id, StepType type, String store, String description, List<String> backups,
                       List<String> dependsOn, long bytes, long items, Estimate estimate, StepState state,
                       Instant startedAt, Instant finishedAt, Long durationMs, long itemsDone, long bytesDone,
                       int attempts, String detail, String error) {

    public PlanStep {
        backups = List.copyOf(backups);
        dependsOn = List.copyOf(dependsOn);
    }

    /** How long a step is expected to take, and from what. */
    public record Estimate(long seconds, String basis) {
    }

    static PlanStep planned(String id, StepType type, String store, String description, List<String> backups,
                            List<String> dependsOn, long bytes, long items) {
        return new PlanStep(id, type, store, description, backups, dependsOn, bytes, items, null, StepState.PENDING,
                null, null, null, 0, 0, 0, null, null);
    }

    PlanStep estimated(Estimate estimate) {
        return new PlanStep(id, type, store, description, backups, dependsOn, bytes, items, estimate, state, startedAt,
                finishedAt, durationMs, itemsDone, bytesDone, attempts, detail, error);
    }

    PlanStep running(Instant at) {
        return new PlanStep(id, type, store, description, backups, dependsOn, bytes, items, estimate, StepState.RUNNING,
                at, null, null, 0, 0, attempts + 1, null, null);
    }

    PlanStep progressed(long itemsNow, long bytesNow) {
        return new PlanStep(id, type, store, description, backups, dependsOn, bytes, items, estimate, state, startedAt,
                finishedAt, durationMs, itemsNow, bytesNow, attempts, detail, error);
    }

    PlanStep completed(Instant at, String what) {
        return new PlanStep(id, type, store, description, backups, dependsOn, bytes, items, estimate,
                StepState.COMPLETED, startedAt, at, Duration.between(startedAt, at).toMillis(), itemsDone, bytesDone,
                attempts, what, null);
    }

    PlanStep failed(Instant at, String why) {
        return new PlanStep(id, type, store, description, backups, dependsOn, bytes, items, estimate, StepState.FAILED,
                startedAt, at, Duration.between(startedAt, at).toMillis(), itemsDone, bytesDone, attempts, detail, why);
    }

    /** A step found running in the record of a process that is gone: it starts again from the beginning. */
    PlanStep abandoned() {
        return new PlanStep(id, type, store, description, backups, dependsOn, bytes, items, estimate, StepState.PENDING,
                null, null, null, 0, 0, attempts, null, null);
    }

    boolean isCompleted() {
        return state == StepState.COMPLETED;
    }
}
