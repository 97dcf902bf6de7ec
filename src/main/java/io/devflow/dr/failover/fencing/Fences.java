package io.devflow.dr.failover.fencing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Json;

/** What the fences share: the fence of a store a region does not have, and failures in words. */
final class Fences {

    private Fences() {
    }

    /** A region without the store: nothing can be written there, so nothing is at risk. */
    static Fence nothingToFence(StoreKind store, RegionId region) {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("reason", "no " + store.id() + " is configured in " + region.value());
        return new Fence(store, region.value(), false, "none", null, null, details);
    }

    static String displayName(StoreKind store) {
        return switch (store) {
            case MONGODB -> "MongoDB";
            case REDIS -> "Redis";
            case INFLUXDB -> "InfluxDB";
        };
    }

    static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
