package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;

import java.util.List;

/**
 * A batch as the {@code classify} step decided it: its outcomes, and where the direction stands once every outcome
 * is handled (the checkpoint the route's last step records).
 *
 * @param reached the store's checkpoint once this batch is handled
 * @param examined how many changes the batch held
 * @param more whether the source has more to read right away
 */
public record Classified<P>(Direction direction, StoreKind store, List<Outcome> outcomes, P reached, int examined,
                            boolean more) {

    public Classified {
        outcomes = List.copyOf(outcomes);
    }

    /** Whether the batch held anything: the scheduler then polls again at once instead of backing off. */
    public boolean foundWork() {
        return more || examined > 0 || !outcomes.isEmpty();
    }
}
