package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;

/**
 * What the {@code read-changes} step of a worker route hands on: changes of one direction's source, in the
 * store's own form. Each store's batch type implements this.
 */
public interface ChangeBatch {

    Direction direction();

    /** How many changes (records, keys, points) the batch holds. */
    int size();

    /** Whether the source has more to read right away: the route then polls again at once. */
    boolean more();
}
