package io.devflow.dr.failover.canary;

import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.store.redis.ReservedKeys;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.util.UUID;

/**
 * Redis's canary: a key under the reserved prefix (which replication passes over) set in the region's first
 * configured database with a short expiry, read back equal and deleted.
 */
public final class RedisCanary implements StoreCanary {

    private static final long EXPIRY_SECONDS = 60;

    private final RegionDirectory regions;

    public RedisCanary(RegionDirectory regions) {
        this.regions = regions;
    }

    @Override
    public StoreKind store() {
        return StoreKind.REDIS;
    }

    @Override
    public CanaryResult check(RegionId region) {
        long started = System.nanoTime();
        RedisConfig config = regions.get(region).config().requireRedis();
        int database = config.databases().get(0);
        String key = ReservedKeys.PREFIX + "canary:" + UUID.randomUUID();
        String value = UUID.randomUUID().toString();
        try (Jedis jedis = new RedisConnections(config).open(database)) {
            jedis.set(key, value, SetParams.setParams().ex(EXPIRY_SECONDS));
            try {
                String read = jedis.get(key);
                if (!value.equals(read)) {
                    return Canaries.failed(store(), region, started, "the canary key read back from database "
                            + database + " was " + read + ", not what was set");
                }
            } finally {
                jedis.del(key);
            }
        }
        return Canaries.passed(store(), region, started, "set, read back and deleted in database " + database);
    }
}
