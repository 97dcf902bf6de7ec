package io.devflow.dr.failover;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A failover as the control plane keeps it ({@code failovers/<id>}): durable from before its first step, updated
 * after every step, so that the next leader finds one that its controller left half done and completes or rolls
 * it back. Also what {@code dr failovers list}, {@code GET /api/failovers} and {@code dr status} show.
 *
 * @param id {@code failover-<yyyyMMdd-HHmmss>-<4 hex>}
 * @param state where it is
 * @param request who asked, why, for which region
 * @param plan what was planned, with the loss bound at the start
 * @param steps each step that started: times, outcome, what it changed, its compensation's outcome
 * @param previous the active region before (its term), restored by a rollback
 * @param promoted the active region the promote step set; null before it ran
 * @param controller the leader instance and epoch running it
 * @param error what failed, naming the step; null when none did
 */
public record FailoverRecord(String id, State state, FailoverRequest request, FailoverPlan plan, List<StepRecord> steps,
                             JsonNode previous, JsonNode promoted, String controller, long epoch, Instant startedAt,
                             Instant finishedAt, String error) {

    public FailoverRecord {
        steps = List.copyOf(steps);
    }

    public enum State {
        /** Refused before any step (the plan's refusals); nothing changed. */
        REFUSED("refused"),
        RUNNING("running"),
        /** A step failed; compensations are running. */
        ROLLING_BACK("rolling-back"),
        COMPLETED("completed"),
        /** A step failed and every completed step was undone. */
        ROLLED_BACK("rolled-back"),
        /** A compensation failed too: an operator must look (the record says what is left). */
        FAILED("failed");

        private final String id;

        State(String id) {
            this.id = id;
        }

        @JsonValue
        public String id() {
            return id;
        }

        @JsonCreator
        public static State parse(String id) {
            return java.util.Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown failover state '" + id + "'"));
        }

        public boolean finished() {
            return this != RUNNING && this != ROLLING_BACK;
        }
    }

    public Duration duration() {
        return finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }

    /** The record of a step, if it started. */
    public Optional<StepRecord> step(FailoverStep step) {
        return steps.stream().filter(s -> s.step() == step).findFirst();
    }

    /** Whether a step ran to its end. */
    public boolean done(FailoverStep step) {
        return step(step).map(s -> "done".equals(s.outcome())).orElse(false);
    }

    /** This record with a step's record put in (replacing the step's earlier one), steps kept in their order. */
    public FailoverRecord withStep(StepRecord step) {
        List<StepRecord> next = new ArrayList<>(steps);
        next.removeIf(s -> s.step() == step.step());
        next.add(step);
        next.sort(Comparator.comparing(StepRecord::step));
        return new FailoverRecord(id, state, request, plan, next, previous, promoted, controller, epoch, startedAt,
                finishedAt, error);
    }

    public FailoverRecord withState(State next, String failure, Instant finished) {
        return new FailoverRecord(id, next, request, plan, steps, previous, promoted, controller, epoch, startedAt,
                finished, failure);
    }

    public FailoverRecord withPromoted(JsonNode active) {
        return new FailoverRecord(id, state, request, plan, steps, previous, active, controller, epoch, startedAt,
                finishedAt, error);
    }

    public FailoverRecord withController(String instance, long term) {
        return new FailoverRecord(id, state, request, plan, steps, previous, promoted, instance, term, startedAt,
                finishedAt, error);
    }

    /**
     * One step as it ran.
     *
     * @param outcome {@code running}, {@code done}, {@code failed}, {@code skipped}
     * @param detail what it did or why it failed, in words
     * @param changes what it changed, enough to undo it (routing changes, fences, terms), provider-shaped
     * @param compensation {@code none} (nothing to undo), {@code pending}, {@code done}, {@code failed: <why>}
     */
    public record StepRecord(FailoverStep step, Instant startedAt, Instant finishedAt, String outcome, String detail,
                             JsonNode changes, String compensation) {

        public StepRecord ended(Instant at, String result, String text, JsonNode changed, String undo) {
            return new StepRecord(step, startedAt, at, result, text, changed, undo);
        }

        public StepRecord compensated(String undo) {
            return new StepRecord(step, startedAt, finishedAt, outcome, detail, changes, undo);
        }
    }
}
