package io.devflow.dr.store.redis;

import io.devflow.dr.config.RegionId;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.HashMap;
import java.util.Map;

/**
 * One direction's connections: one per logical database on each side, opened on first use and opened
 * again when the previous one broke (so a retried call gets a working one). One thread at a time.
 */
public final class RedisPair implements AutoCloseable {

    private final Side source;
    private final Side target;
    private final int metadataDatabase;

    public RedisPair(RegionId source, RedisConnections sourceConnections, RegionId target, RedisConnections targetConnections,
              int metadataDatabase) {
        this.source = new Side(source, sourceConnections);
        this.target = new Side(target, targetConnections);
        this.metadataDatabase = metadataDatabase;
    }

    public Jedis source(int database) {
        return source.get(database);
    }

    public Jedis target(int database) {
        return target.get(database);
    }

    /** The source's metadata database, where the reverse direction keeps its records. */
    public Jedis sourceMetadata() {
        return metadata(source);
    }

    /** The target's metadata database, where this direction keeps its records. */
    public Jedis targetMetadata() {
        return metadata(target);
    }

    public String sourceDisplay() {
        return source.display;
    }

    public String targetDisplay() {
        return target.display;
    }

    @Override
    public void close() {
        source.close();
        target.close();
    }

    private static final class Side {
        final RedisConnections connections;
        final String display;
        final Map<Integer, Jedis> open = new HashMap<>();

        Side(RegionId region, RedisConnections connections) {
            this.connections = connections;
            this.display = display(region, connections);
        }

        Jedis get(int database) {
            Jedis jedis = open.get(database);
            if (jedis != null && !jedis.isBroken()) {
                return jedis;
            }
            if (jedis != null) {
                closeQuietly(jedis);
            }
            jedis = connections.open(database);
            open.put(database, jedis);
            return jedis;
        }

        void close() {
            open.values().forEach(Side::closeQuietly);
            open.clear();
        }

        private static void closeQuietly(Jedis jedis) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                // the connection is gone already
            }
        }
    }

    private Jedis metadata(Side side) {
        try {
            return side.get(metadataDatabase);
        } catch (JedisDataException e) {
            throw new IllegalStateException(side.display + " refused to select database " + metadataDatabase
                    + ", where replication keeps its records (" + e.getMessage() + "); set "
                    + "disasterRecovery.replication.redis.metadataDatabase to a database this server allows", e);
        }
    }

    /** A region's Redis for messages: region, scheme, host and port, never a password. */
    public static String display(RegionId region, RedisConnections connections) {
        return connections.display() + " (" + region + ")";
    }
}
