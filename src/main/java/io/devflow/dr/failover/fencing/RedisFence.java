package io.devflow.dr.failover.fencing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.support.Json;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Fences a region's Redis with {@code CLIENT PAUSE <ms> WRITE} (Redis 6.2 and later): every client that sends a write
 * command (and the commands that may replicate, such as {@code PUBLISH} and scripts not marked read-only) waits until
 * the pause ends; nothing is refused, so a writer resumes where it was once clients have moved. Read commands keep
 * answering, so replication can still read the fenced source while the failover drains it: {@code SCAN},
 * {@code EXISTS}, {@code DUMP}, {@code PTTL}, {@code MEMORY USAGE} and {@code CONFIG GET/SET} (administrative, not
 * writes) go through, and the keyspace notifications the server itself publishes stop because no write happens.
 * The pause covers the whole server (every logical database) and lapses by itself after its timeout, so a failover
 * that dies cannot leave the source paused; renewing issues the pause again (Redis only ever extends the end of a
 * pause), lifting is {@code CLIENT UNPAUSE}. Each call opens its own short connection.
 */
public final class RedisFence implements StoreFence {

    static final String METHOD = "CLIENT PAUSE WRITE";

    private final Function<RegionId, Optional<RedisConfig>> redis;
    private final Clock clock;
    /** Per region, the end of the latest fence lifted here (its pause as first set). */
    private final Map<String, Instant> lifted = new HashMap<>();

    public RedisFence(Function<RegionId, Optional<RedisConfig>> redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.REDIS;
    }

    @Override
    public Fence fence(RegionId region, Duration hold) {
        Optional<RedisConfig> config = redis.apply(region);
        if (config.isEmpty()) {
            return Fences.nothingToFence(StoreKind.REDIS, region);
        }
        RedisConnections connections = new RedisConnections(config.get());
        try {
            return pause(connections, region, hold);
        } catch (RuntimeException e) {
            return new Fence(StoreKind.REDIS, region.value(), false, METHOD, "writes to Redis in " + region.value()
                    + " are not stopped: CLIENT PAUSE failed at " + connections.display() + " (" + Fences.reason(e) + ")",
                    null, null);
        }
    }

    @Override
    public synchronized Fence renew(Fence fence, Duration hold) {
        if (!fence.fenced() || wasLifted(fence)) {
            return fence;
        }
        RegionId region = RegionId.of(fence.region());
        RedisConfig config = redis.apply(region).orElseThrow(() -> new IllegalStateException(
                "Redis of " + region.value() + " is no longer configured; its pause lapses at " + fence.until()));
        RedisConnections connections = new RedisConnections(config);
        try {
            return pause(connections, region, hold);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot renew the write pause of " + connections.display() + " in "
                    + region.value() + " (" + Fences.reason(e) + "); it lapses at " + fence.until(), e);
        }
    }

    @Override
    public synchronized void lift(Fence fence) {
        if (!fence.fenced()) {
            return;
        }
        if (fence.until() != null) {
            lifted.merge(fence.region(), fence.until(), (a, b) -> a.isAfter(b) ? a : b);
        }
        RegionId region = RegionId.of(fence.region());
        Optional<RedisConfig> config = redis.apply(region);
        if (config.isEmpty()) {
            return;
        }
        RedisConnections connections = new RedisConnections(config.get());
        try (Jedis jedis = connections.open(0)) {
            jedis.clientUnpause();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot lift the write pause of " + connections.display() + " in "
                    + region.value() + " (" + Fences.reason(e) + "); it lapses by itself at " + fence.until(), e);
        }
    }

    /**
     * A renewal that read the failover's record before its fences were lifted (the renewal timer runs beside the
     * steps) must not pause the source again after the lift: writers there would wait out a whole pause. A later
     * fence of the region ends later than every one lifted before it.
     */
    private boolean wasLifted(Fence fence) {
        Instant last = lifted.get(fence.region());
        return last != null && fence.until() != null && !fence.until().isAfter(last);
    }

    private Fence pause(RedisConnections connections, RegionId region, Duration hold) {
        long millis = Math.max(1, hold.toMillis());
        Instant until;
        try (Jedis jedis = connections.open(0)) {
            until = clock.instant().plusMillis(millis);
            jedis.clientPause(millis, ClientPauseMode.WRITE);
        }
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("server", connections.display());
        details.put("pauseMillis", millis);
        details.put("lift", "CLIENT UNPAUSE");
        return new Fence(StoreKind.REDIS, region.value(), true, METHOD, null, until, details);
    }
}
