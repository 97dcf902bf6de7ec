package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.store.redis.RedisPair;
import io.devflow.dr.store.redis.ReservedKeys;
import io.devflow.dr.support.Remote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keyspace notifications of the source region's Redis: the queue of changed keys they feed per direction, and
 * whether the server publishes them. Turning them on adds {@code K} and {@code A} to its
 * {@code notify-keyspace-events}, keeping the flags it has; a server that refuses CONFIG (managed Redis) is
 * noted, not an error: replication then relies on the reconcile, and status says so.
 */
final class RedisNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(RedisNotifications.class);

    private final ReplicationConfig config;
    private final RedisRegions redis;
    private final int queueBound;
    private final Clock clock;
    private final Duration reconcileInterval;
    private final Set<Integer> notifiedDatabases;
    private final Map<Direction, DirtyKeys> queues = new ConcurrentHashMap<>();
    private final Map<RegionId, Boolean> publishing = new ConcurrentHashMap<>();

    RedisNotifications(ReplicationConfig config, RedisRegions redis, int queueBound, Clock clock) {
        this.config = config;
        this.redis = redis;
        this.queueBound = queueBound;
        this.clock = clock;
        this.reconcileInterval = config.redis().reconcileInterval();
        this.notifiedDatabases = Set.copyOf(redis.databases(config.source()));
    }

    /**
     * A keyspace notification: queues the key for every direction from the source; keys of databases that are
     * not replicated are ignored.
     *
     * @param channel {@code __keyspace@<db>__:<key>}, the key decoded as UTF-8
     */
    void notified(String channel) {
        Optional<KeyspaceChannel> parsed = KeyspaceChannel.parse(channel);
        if (parsed.isEmpty() || !notifiedDatabases.contains(parsed.get().database())
                || ReservedKeys.reserved(parsed.get().key())) {
            return;
        }
        KeyspaceChannel change = parsed.get();
        Instant at = clock.instant();
        for (RegionId target : config.targets()) {
            DirtyKeys queue = queue(new Direction(config.source(), target));
            if (change.keyMangled()) {
                // the channel lost the key's bytes in decoding; a walk finds the key by its real bytes
                queue.requestSweep();
            } else {
                queue.changed(new RedisKey(change.database(), change.key().getBytes(StandardCharsets.UTF_8)), at);
            }
        }
    }

    /** The keys of a direction waiting to be copied. */
    DirtyKeys queue(Direction direction) {
        return queues.computeIfAbsent(direction, d -> new DirtyKeys(queueBound));
    }

    /** Whether the key waits in the direction's queue (false for a direction that never queued anything). */
    boolean isQueued(Direction direction, RedisKey key) {
        DirtyKeys queue = queues.get(direction);
        return queue != null && queue.contains(key);
    }

    /**
     * Makes the region's Redis publish keyspace notifications of every change. Called again at every
     * reconcile, since a restarted server forgets a setting made at runtime.
     */
    void check(RegionId region) {
        RedisConnections server = redis.connections(region);
        String display = RedisPair.display(region, server);
        String setting = KeyspaceChannel.SETTING;
        String refusal = Remote.execute("checking keyspace notifications of " + display, () -> {
            try (Jedis jedis = server.open(0)) {
                String flags = jedis.configGet(setting).getOrDefault(setting, "");
                String missing = KeyspaceChannel.missingFlags(flags);
                if (!missing.isEmpty()) {
                    jedis.configSet(setting, flags + missing);
                    LOG.info("{}: {} was '{}', now '{}', so that Redis replication hears of every change", display,
                            setting, flags, flags + missing);
                }
                return null;
            } catch (JedisDataException e) {
                return e.getMessage();
            }
        });
        Boolean before = publishing.put(region, refusal == null);
        if (refusal != null && !Boolean.FALSE.equals(before)) {
            LOG.warn("keyspace notifications are off on {} and it refused to turn them on ({}): set {} KA there; until "
                    + "then Redis replication heals by reconcile every {} s", display, refusal, setting,
                    reconcileInterval.toSeconds());
        }
    }

    /** Whether the region's Redis was found not to publish keyspace notifications and refused to turn them on. */
    boolean off(RegionId region) {
        return Boolean.FALSE.equals(publishing.get(region));
    }

    /** For status: what to do when the region's Redis does not publish keyspace notifications. */
    Optional<String> warning(RegionId region) {
        if (!off(region)) {
            return Optional.empty();
        }
        return Optional.of("keyspace notifications are off on " + region
                + ": set notify-keyspace-events KA; replication heals by reconcile every "
                + reconcileInterval.toSeconds() + " s");
    }
}
