package io.devflow.dr.drill;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * Redis's replication canary: the key {@code dr-drill:<id>} in the source's first logical database, expiring after ten
 * minutes so that a drill that dies leaves nothing behind for long.
 */
final class RedisReplicationCanary implements ReplicationCanary {

    static final String PREFIX = "dr-drill:";
    private static final long EXPIRY_SECONDS = 600;

    private final RegionDirectory regions;
    private final RegionId databaseOf;

    RedisReplicationCanary(RegionDirectory regions, RegionId databaseOf) {
        this.regions = regions;
        this.databaseOf = databaseOf;
    }

    @Override
    public StoreKind store() {
        return StoreKind.REDIS;
    }

    @Override
    public String write(RegionId region, String drillId) {
        try (Jedis jedis = open(region)) {
            Remote.run("writing the replication canary into " + region,
                    () -> jedis.set(PREFIX + drillId, drillId, SetParams.setParams().ex(EXPIRY_SECONDS)));
        }
        return "database " + database() + " key " + PREFIX + drillId;
    }

    @Override
    public boolean present(RegionId region, String drillId) {
        try (Jedis jedis = open(region)) {
            return drillId.equals(jedis.get(PREFIX + drillId));
        }
    }

    @Override
    public void remove(RegionId region, String drillId) {
        try (Jedis jedis = open(region)) {
            Remote.run("removing the replication canary from " + region, () -> jedis.del(PREFIX + drillId));
        }
    }

    private int database() {
        return regions.get(databaseOf).config().requireRedis().databases().get(0);
    }

    private Jedis open(RegionId region) {
        return new RedisConnections(regions.get(region).config().requireRedis()).open(database());
    }
}
