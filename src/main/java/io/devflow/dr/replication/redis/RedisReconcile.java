package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.store.redis.RedisPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;

/**
 * The periodic reconcile of Redis replication: compares every key of a direction's databases in both regions
 * (SCAN, pipelined DUMPs) and queues those out of step, each counted as a repair once it is copied; keys held by
 * open conflicts are left alone. Uses connections of its own, so the worker goes on meanwhile.
 */
final class RedisReconcile {

    private static final Logger LOG = LoggerFactory.getLogger(RedisReconcile.class);

    private final RedisRegions regions;
    private final RedisNotifications notifications;
    private final RedisChangeReader reader;
    private final int pageSize;
    private final Clock clock;

    RedisReconcile(RedisRegions regions, RedisNotifications notifications, RedisChangeReader reader, int pageSize,
                   Clock clock) {
        this.regions = regions;
        this.notifications = notifications;
        this.reader = reader;
        this.pageSize = pageSize;
        this.clock = clock;
    }

    /** @return the number of keys found out of step */
    long run(RedisSession session) {
        Direction direction = session.direction;
        notifications.check(direction.source());
        Instant started = clock.instant();
        String target = direction.target().value();
        long found = 0;
        long compared;
        try (RedisPair pair = regions.pair(direction)) {
            KeyspaceWalk walk = new KeyspaceWalk(session.databases, pageSize);
            for (KeyspaceWalk.Page page = walk.next(pair); page != null; page = walk.next(pair)) {
                if (page.keys().isEmpty()) {
                    continue;
                }
                for (KeyState state : KeyStates.read(pair, page.database(), page.keys(), direction.source(),
                        direction.target(), clock)) {
                    if (state.outOfStep(target)) {
                        found++;
                        session.queue.outOfStep(new RedisKey(page.database(), state.key()), started);
                    }
                }
            }
            compared = walk.visited();
        }
        reader.reconciled(direction, started);
        if (found > 0) {
            LOG.info("Redis reconcile {}: {} of {} keys out of step, queued for repair", direction, found, compared);
        } else {
            LOG.debug("Redis reconcile {}: {} keys in step", direction, compared);
        }
        return found;
    }
}
