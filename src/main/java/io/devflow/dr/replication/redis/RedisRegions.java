package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.store.redis.RedisPair;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The regions' Redis servers as replication uses them: connections, a direction's pair, the databases replicated. */
final class RedisRegions {

    private final RegionDirectory regions;
    private final int metadataDatabase;
    private final Map<RegionId, RedisConnections> connections = new ConcurrentHashMap<>();

    RedisRegions(RegionDirectory regions, int metadataDatabase) {
        this.regions = regions;
        this.metadataDatabase = metadataDatabase;
    }

    RedisConnections connections(RegionId region) {
        return connections.computeIfAbsent(region, r -> new RedisConnections(regions.get(r).config().requireRedis()));
    }

    /** New connections of a direction, opened on first use; the caller closes them. */
    RedisPair pair(Direction direction) {
        return new RedisPair(direction.source(), connections(direction.source()), direction.target(),
                connections(direction.target()), metadataDatabase);
    }

    /** The databases replicated from a region: its configured ones, never the metadata database. */
    List<Integer> databases(RegionId source) {
        return regions.get(source).config().redis().map(RedisConfig::databases).orElse(List.of()).stream()
                .filter(d -> d != metadataDatabase).toList();
    }

    /** How many keys the direction's target holds in the databases replicated into it. */
    long targetKeys(Direction direction) {
        RedisConnections target = connections(direction.target());
        List<Integer> databases = databases(direction.source());
        return Remote.execute("counting keys of " + RedisPair.display(direction.target(), target), () -> {
            long total = 0;
            try (Jedis jedis = target.open(0)) {
                for (int database : databases) {
                    jedis.select(database);
                    total += jedis.dbSize();
                }
            }
            return total;
        });
    }
}
