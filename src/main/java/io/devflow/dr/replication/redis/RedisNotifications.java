package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.replication.ReplicationDirections;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Keyspace notifications of the replicated regions' Redis servers: the queue of changed keys they feed per
 * direction, and whether the servers publish them. Every replicated region is subscribed to, so that replication
 * hears the active region's changes whichever region that is; a region's notifications are queued only for the
 * directions from it whose sessions are open (the others are not replicating, and a session that opens begins with
 * a walk that finds what changed meanwhile). Turning them on adds {@code K} and {@code A} to its
 * {@code notify-keyspace-events}, keeping the flags it has; a server that refuses CONFIG (managed Redis) is
 * noted, not an error: replication then relies on the reconcile, and status says so.
 */
final class RedisNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(RedisNotifications.class);

    private final ReplicationDirections topology;
    private final RedisRegions redis;
    private final Predicate<Direction> listening;
    private final int queueBound;
    private final Clock clock;
    private final Duration reconcileInterval;
    private final Map<Direction, DirtyKeys> queues = new ConcurrentHashMap<>();
    private final Map<RegionId, Boolean> publishing = new ConcurrentHashMap<>();
    private volatile RegionId lastSource;

    /** @param listening whether a direction's session is open, so that its queue is read */
    RedisNotifications(ReplicationConfig config, RedisRegions redis, Predicate<Direction> listening, int queueBound,
                       Clock clock) {
        this.topology = new ReplicationDirections(config, config::source);
        this.redis = redis;
        this.listening = listening;
        this.lastSource = config.source();
        this.queueBound = queueBound;
        this.clock = clock;
        this.reconcileInterval = config.redis().reconcileInterval();
    }

    /**
     * A keyspace notification of a region's Redis: queues the key for every listening direction from that region;
     * keys of databases that are not replicated are ignored.
     *
     * @param channel {@code __keyspace@<db>__:<key>}, the key decoded as UTF-8
     */
    void notified(RegionId region, String channel) {
        Optional<KeyspaceChannel> parsed = KeyspaceChannel.parse(channel);
        if (parsed.isEmpty() || !redis.databases(region).contains(parsed.get().database())
                || ReservedKeys.reserved(parsed.get().key())) {
            return;
        }
        KeyspaceChannel change = parsed.get();
        Instant at = clock.instant();
        for (Direction direction : topology.of(region)) {
            if (!direction.source().equals(region) || !listening.test(direction)) {
                continue;
            }
            DirtyKeys queue = queue(direction);
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
        lastSource = region;
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

    /** The region whose notifications were checked last: the source of the directions running now. */
    RegionId source() {
        return lastSource;
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
