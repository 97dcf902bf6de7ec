package io.devflow.dr.failover.auto;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the controller saw in one check, as the automatic-failover policy reads it.
 *
 * @param active the active region
 * @param storesDown per region, the data stores whose check failed, with the error (storage checks do not count:
 *                   a bucket that cannot be listed stops backups, not clients)
 * @param regionsChecked every region the check covered, in configured order, the active one included
 * @param lag per replicated store, how far each other region is behind the active one (absent: not replicated)
 * @param appChecksFailed the configured application health URLs that failed, with why
 * @param clusterConfirmed whether this controller's leadership was confirmed by its election engine recently: one
 *                         that cannot reach its engine may be the one cut off, and must not act
 */
public record Observation(Instant at, RegionId active, Map<RegionId, Map<StoreKind, String>> storesDown,
                          List<RegionId> regionsChecked, Map<RegionId, Map<StoreKind, Duration>> lag,
                          Map<String, String> appChecksFailed, boolean clusterConfirmed) {

    public Observation {
        storesDown = Map.copyOf(storesDown);
        regionsChecked = List.copyOf(regionsChecked);
        lag = Map.copyOf(lag);
        appChecksFailed = Map.copyOf(appChecksFailed);
    }

    /** The data stores of the region whose check failed. */
    public Map<StoreKind, String> down(RegionId region) {
        return storesDown.getOrDefault(region, Map.of());
    }
}
