package io.devflow.dr.replication;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Replication's part in a failover's promote step and in a switchback: wait until the target has applied every
 * change the source had when the wait began, for every replicated store, or until the bound passes. Replication
 * keeps running meanwhile; once the active region changes, the workers read from the new one.
 */
public interface ReplicationHandover {

    /**
     * Waits, at most {@code bound}, until replication from {@code source} to {@code target} has caught up with
     * every store's changes up to the moment of the call.
     */
    Drained drain(RegionId source, RegionId target, Duration bound);

    /**
     * How far one store got.
     *
     * @param caughtUp every change of the source up to the call applied at the target
     * @param lag time from the oldest change not yet applied to the end of the wait; zero when caught up
     * @param backlog changes known not yet applied (0 when caught up; -1 when the source could not be read)
     * @param appliedUntil source time up to which the target has everything; null when nothing is known
     */
    record StoreDrain(StoreKind store, boolean caughtUp, Duration lag, long backlog, Instant appliedUntil) {
    }

    /** Every replicated store's outcome, and whether all caught up. */
    record Drained(Map<StoreKind, StoreDrain> stores, Duration waited) {

        public Drained {
            stores = Map.copyOf(stores);
        }

        public boolean caughtUp() {
            return stores.values().stream().allMatch(StoreDrain::caughtUp);
        }
    }
}
