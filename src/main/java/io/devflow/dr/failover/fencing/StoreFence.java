package io.devflow.dr.failover.fencing;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

import java.time.Duration;

/**
 * Stops writes at one kind of store of a region while a failover moves clients away from it: Redis pauses its
 * writers ({@code CLIENT PAUSE ... WRITE}, with a timeout, renewed while the failover runs); MongoDB and InfluxDB
 * call a configured hook, since neither can refuse writes on its own; without one, the store is not fenced and the
 * failover records the residual risk.
 */
public interface StoreFence {

    StoreKind store();

    /** Stops writes at the region's store for at most {@code hold}; a fence that could not be set says why. */
    Fence fence(RegionId region, Duration hold);

    /** Keeps a fence up for another {@code hold}. */
    Fence renew(Fence fence, Duration hold);

    /** Lets writes through again (compensation; idempotent). */
    void lift(Fence fence);
}
