package io.devflow.dr.store;

import io.devflow.dr.config.StoreKind;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The operations of every supported data store, by kind. */
public final class StoreRegistry {

    private final Map<StoreKind, StoreOperations> stores = new EnumMap<>(StoreKind.class);

    public StoreRegistry(List<StoreOperations> operations) {
        operations.forEach(o -> stores.put(o.store(), o));
        for (StoreKind kind : StoreKind.values()) {
            if (!stores.containsKey(kind)) {
                throw new IllegalArgumentException("no operations for store " + kind);
            }
        }
    }

    public StoreOperations get(StoreKind store) {
        return stores.get(store);
    }

    public StoreOperations get(String store) {
        return stores.get(StoreKind.parse(store).orElseThrow(() -> new IllegalArgumentException("unknown store " + store)));
    }
}
