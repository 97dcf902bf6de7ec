package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.devflow.dr.recovery.plan.PlanEnums.Kind;
import io.devflow.dr.recovery.plan.PlanEnums.Mode;
import io.devflow.dr.recovery.plan.PlanEnums.PlanState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A recovery plan and its execution, the durable record {@code recovery/plans/<id>} in the control state: what is
 * restored from which backups, the steps with their dependencies and estimates, and how each step ran.
 *
 * @param inPlace whether the target is the active region (a recovery after corruption, over the live data)
 * @param pointInTime the instant recovered to; null for a full recovery
 * @param stores per store, what is restored
 * @param estimatedSeconds the critical path through the steps' estimates (stores run side by side)
 * @param rtoSeconds the recovery time objective the estimate is compared with
 * @param runs each time the plan was started or resumed
 * @param heartbeatAt when the process running the plan last rewrote the record (a running plan whose heartbeat is
 *                    old was left by a process that is gone)
 * @param drill the recovery-time drill that ran the plan into scratch databases; null for a recovery
 */
public record RecoveryPlan(String id, Kind kind, String targetRegion, boolean inPlace, Mode mode, Instant pointInTime,
                           Instant createdAt, String createdBy, List<StorePart> stores, List<PlanStep> steps,
                           long estimatedSeconds, long rtoSeconds, PlanState state, List<Run> runs,
                           Instant heartbeatAt, String error, List<String> notes,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String drill) {

    public RecoveryPlan {
        stores = List.copyOf(stores);
        steps = List.copyOf(steps);
        runs = List.copyOf(runs);
        notes = List.copyOf(notes);
    }

    /**
     * One store's part.
     *
     * @param backups the full backup first, then the increments replayed over it
     * @param databases source database to target database (the same names)
     * @param restoredAsOf the instant the store will be restored to
     */
    public record StorePart(String store, String sourceRegion, List<String> backups, Map<String, String> databases,
                            Instant restoredAsOf, String note) {
    }

    /** A start or resume of the plan. */
    public record Run(Instant startedAt, String by, boolean resumed, Instant endedAt, String outcome) {
    }

    public boolean withinRto() {
        return estimatedSeconds <= rtoSeconds;
    }

    public Optional<PlanStep> step(String stepId) {
        return steps.stream().filter(s -> s.id().equals(stepId)).findFirst();
    }

    public Optional<StorePart> part(String store) {
        return stores.stream().filter(s -> s.store().equals(store)).findFirst();
    }

    RecoveryPlan withStep(String stepId, UnaryOperator<PlanStep> change) {
        List<PlanStep> changed = steps.stream().map(s -> s.id().equals(stepId) ? change.apply(s) : s).toList();
        return new RecoveryPlan(id, kind, targetRegion, inPlace, mode, pointInTime, createdAt, createdBy, stores, changed,
                estimatedSeconds, rtoSeconds, state, runs, heartbeatAt, error, notes, drill);
    }

    RecoveryPlan started(Run run, Instant at) {
        List<Run> all = new ArrayList<>(runs);
        all.add(run);
        List<PlanStep> reset = steps.stream().map(s -> s.isCompleted() ? s : s.abandoned()).toList();
        return new RecoveryPlan(id, kind, targetRegion, inPlace, mode, pointInTime, createdAt, createdBy, stores, reset,
                estimatedSeconds, rtoSeconds, PlanState.RUNNING, all, at, null, notes, drill);
    }

    RecoveryPlan alive(Instant at) {
        return new RecoveryPlan(id, kind, targetRegion, inPlace, mode, pointInTime, createdAt, createdBy, stores, steps,
                estimatedSeconds, rtoSeconds, state, runs, at, error, notes, drill);
    }

    RecoveryPlan ended(PlanState outcome, String why, Instant at) {
        List<Run> all = new ArrayList<>(runs);
        Run last = all.remove(all.size() - 1);
        all.add(new Run(last.startedAt(), last.by(), last.resumed(), at, outcome.id()));
        return new RecoveryPlan(id, kind, targetRegion, inPlace, mode, pointInTime, createdAt, createdBy, stores, steps,
                estimatedSeconds, rtoSeconds, outcome, all, at, why, notes, drill);
    }
}
