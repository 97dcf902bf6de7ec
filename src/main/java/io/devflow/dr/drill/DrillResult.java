package io.devflow.dr.drill;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One drill's result, the control-state document {@code drills/<id>}: the shape other parts read (compliance
 * evidence, recovery estimates). Written when the drill starts ({@code status} {@code running}, no {@code endedAt})
 * and again when it ends.
 *
 * @param suite the id shared by the drills of one {@code dr test} run
 * @param trigger {@code manual} (CLI, API) or {@code schedule}
 * @param by who asked: the operator, the API token's name, or {@code schedule}
 * @param status {@code running}, {@code passed} or {@code failed}
 * @param stores per store: passed, how long its part took, what was checked
 * @param steps a failover drill's steps, timed, in order; empty for the other types
 * @param cleanup what the drill created and removed again (scratch databases, canaries)
 * @param failure why the drill failed, in words; absent when it passed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrillResult(String id, DrillType type, String suite, String trigger, String by, String status,
                          Instant startedAt, Instant endedAt, boolean passed, Map<String, StoreResult> stores,
                          List<StepResult> steps, List<String> cleanup, String failure) {

    public DrillResult {
        stores = stores == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stores));
        steps = steps == null ? List.of() : List.copyOf(steps);
        cleanup = cleanup == null ? List.of() : List.copyOf(cleanup);
    }

    /** @param seconds how long the store's part took (a backup drill: the restore into scratch, verified) */
    public record StoreResult(boolean passed, double seconds, String detail) {
    }

    public record StepResult(String name, boolean passed, double seconds, String detail) {
    }

    public boolean running() {
        return endedAt == null;
    }

    static DrillResult started(String id, DrillType type, String suite, DrillRequest request, Instant at) {
        return new DrillResult(id, type, suite, request.trigger().id(), request.by(), "running", at, null, false,
                Map.of(), List.of(), List.of(), null);
    }

    DrillResult ended(DrillOutcome outcome, Instant at) {
        return new DrillResult(id, type, suite, trigger, by, outcome.passed() ? "passed" : "failed", startedAt, at,
                outcome.passed(), outcome.stores(), outcome.steps(), outcome.cleanup(), outcome.failure());
    }
}
