package io.devflow.dr.drill;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

/**
 * A record written into a store's replicated data for a replication drill, unlike a failover's canary (which
 * replication passes over): its arrival in the other regions is what the drill watches.
 */
public interface ReplicationCanary {

    StoreKind store();

    /** Writes the canary named after the drill into the region's store; says where, in words. */
    String write(RegionId region, String drillId);

    /** Whether the region's store holds the canary. */
    boolean present(RegionId region, String drillId);

    /** Removes the canary from the region's store (idempotent). */
    void remove(RegionId region, String drillId);
}
