package io.devflow.dr.replication;

import io.devflow.dr.control.Conflict;
import java.util.List;

/** One scheduler tick of one store's worker: a batch per direction. */
public record Round(String store, List<Batch> batches) {

    public Round {
        batches = List.copyOf(batches);
    }

    public List<Conflict> conflicts() {
        return batches.stream().flatMap(b -> b.conflicts().stream()).toList();
    }

    public List<ReplicationFailure> failures() {
        return batches.stream().flatMap(b -> b.failures().stream()).toList();
    }

    public int applied() {
        return batches.stream().mapToInt(Batch::applied).sum();
    }

    /** Whether some direction expects more to do right away (a full batch). */
    public boolean more() {
        return batches.stream().anyMatch(Batch::more);
    }

    /** Whether some direction found work: the scheduler then polls again at once instead of waiting or backing off. */
    public boolean foundWork() {
        return batches.stream().anyMatch(Batch::foundWork);
    }
}
