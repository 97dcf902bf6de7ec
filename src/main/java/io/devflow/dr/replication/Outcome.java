package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;

/**
 * What the {@code classify} step decided for a part of a batch; the worker route splits a classified batch into
 * its outcomes and routes each by {@link #kind()}. Echoes (changes replication wrote itself) and records already
 * in step need no step of their own: they are counted when classified.
 */
public sealed interface Outcome permits Outcome.Apply, Outcome.Conflicting, Outcome.Held {

    Direction direction();

    StoreKind store();

    /** {@code apply}, {@code conflict} or {@code held}: what the route does with it. */
    String kind();

    /**
     * Changes that conflict with nothing: written to the target, in one go per group.
     *
     * @param writes the store's description of the writes
     * @param count how many records the group applies
     */
    record Apply<W>(Direction direction, StoreKind store, W writes, int count) implements Outcome {
        @Override
        public String kind() {
            return "apply";
        }
    }

    /**
     * A record changed in both regions since replication last wrote it: described, decided by the strategy and
     * recorded by the conflict route.
     *
     * @param change the store's view of the source change and the target record
     */
    record Conflicting<K>(Direction direction, StoreKind store, K change) implements Outcome {
        @Override
        public String kind() {
            return "conflict";
        }
    }

    /**
     * A source change of a record an open conflict holds: kept with the conflict for review, not applied.
     *
     * @param conflictId the open conflict that holds the record
     */
    record Held<K>(Direction direction, StoreKind store, String conflictId, K change) implements Outcome {
        @Override
        public String kind() {
            return "held";
        }
    }
}
