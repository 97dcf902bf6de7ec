package io.devflow.dr.failover.canary;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.StoreCanary.CanaryResult;

/** The results the canaries report, timed from their start. */
final class Canaries {

    private Canaries() {
    }

    static CanaryResult passed(StoreKind store, RegionId region, long startedNanos, String detail) {
        return new CanaryResult(store, region.value(), true, millis(startedNanos), detail);
    }

    static CanaryResult failed(StoreKind store, RegionId region, long startedNanos, String detail) {
        return new CanaryResult(store, region.value(), false, millis(startedNanos), detail);
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
