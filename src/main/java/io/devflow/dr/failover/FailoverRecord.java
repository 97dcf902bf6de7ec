package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

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

        public String id() {
            return id;
        }

        public boolean finished() {
            return this != RUNNING && this != ROLLING_BACK;
        }
    }

    public Duration duration() {
        return finishedAt == null ? null : Duration.between(startedAt, finishedAt);
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
    }
}
