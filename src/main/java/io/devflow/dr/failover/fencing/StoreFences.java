package io.devflow.dr.failover.fencing;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.FencingConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.StoreKind;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fences of the stores the configuration has in any region: Redis pauses its writers, MongoDB and InfluxDB go
 * through their hooks ({@code recovery.failover.fencing}).
 */
public final class StoreFences {

    private final List<StoreFence> fences;
    private final Duration hold;

    public StoreFences(DrConfig config, Clock clock) {
        FencingConfig fencing = config.recovery().failover().fencing();
        this.hold = fencing.redisPause();
        List<StoreFence> list = new ArrayList<>();
        for (StoreKind store : StoreKind.values()) {
            if (config.regions().values().stream().noneMatch(r -> r.has(store))) {
                continue;
            }
            list.add(store == StoreKind.REDIS
                    ? new RedisFence(region -> config.region(region).flatMap(RegionConfig::redis), clock)
                    : new HookFence(store, Optional.ofNullable(fencing.hooks().get(store)),
                            region -> config.region(region).map(r -> r.has(store)).orElse(false)));
        }
        this.fences = List.copyOf(list);
    }

    /** One fence per store kind configured in some region, in {@link StoreKind} order. */
    public List<StoreFence> all() {
        return fences;
    }

    /**
     * How long one fence holds before it must be renewed: {@code recovery.failover.fencing.redis.pauseSeconds}, the
     * longest a failover that dies can leave the source's Redis paused.
     */
    public Duration hold() {
        return hold;
    }
}
