package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;

/**
 * How one direction's part of a worker round ended: the route's last step (or its error handler) answers with
 * it, and the round polls again at once when any direction found work.
 *
 * @param direction null when the round failed before it reached a direction
 */
public record RoundResult(Direction direction, StoreKind store, boolean foundWork, boolean failed) {

    public static RoundResult handled(Direction direction, StoreKind store, boolean foundWork) {
        return new RoundResult(direction, store, foundWork, false);
    }

    public static RoundResult failed(Direction direction, StoreKind store) {
        return new RoundResult(direction, store, false, true);
    }
}
