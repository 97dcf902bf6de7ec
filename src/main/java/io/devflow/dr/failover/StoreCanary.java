package io.devflow.dr.failover;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

/**
 * The verify step's check of one store of the new primary: a canary record written, read back equal, and removed,
 * outside the replicated data (so replication never carries it anywhere).
 */
public interface StoreCanary {

    StoreKind store();

    /** Writes, reads and removes a canary; throws with what went wrong when the store does not take writes. */
    CanaryResult check(RegionId region);

    /** What a canary showed. */
    record CanaryResult(StoreKind store, String region, boolean passed, long millis, String detail) {
    }
}
