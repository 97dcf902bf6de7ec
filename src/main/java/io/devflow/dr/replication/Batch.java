package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.control.Conflict;

import java.util.List;

/**
 * What one poll of one store's worker did in one direction.
 *
 * @param applied changes written to the target (echoes and held records not counted)
 * @param conflicts conflicts detected, decided by the strategy but not yet settled: the routes record each
 *                  durably, then settle or hold it, before the checkpoint moves past it
 * @param failures changes the target refused for good, for the dead-letter route
 * @param checkpoint where the worker stands once this batch is settled; null when it has not moved
 * @param more whether the worker expects more to do right away (the scheduler then polls again at once)
 */
public record Batch(Direction direction, String store, int applied, List<Conflict> conflicts,
                    List<ReplicationFailure> failures, JsonNode checkpoint, boolean more) {

    public Batch {
        conflicts = List.copyOf(conflicts);
        failures = List.copyOf(failures);
    }

    /**
     * Whether the poll found work: the scheduler counts such a poll as busy and polls again after its short delay;
     * only polls that found nothing make it back off.
     */
    public boolean foundWork() {
        return more || applied > 0 || !conflicts.isEmpty() || !failures.isEmpty();
    }

    public static Batch idle(Direction direction, String store) {
        return new Batch(direction, store, 0, List.of(), List.of(), null, false);
    }
}
