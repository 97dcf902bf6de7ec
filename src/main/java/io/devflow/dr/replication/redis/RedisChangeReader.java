package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.store.redis.RedisSizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@code read-changes} step of Redis replication: the next page of the walk under way, if any, and a batch of
 * the keys notifications queued, each key once. As many of them go into one round as their values at the source
 * fit in {@link RedisSizes#BATCH_BYTES} by {@code MEMORY USAGE}, so large values are read a few at a time; the
 * rest wait for the next round (in the walk, or back in the queue).
 */
final class RedisChangeReader {

    private static final Logger LOG = LoggerFactory.getLogger(RedisChangeReader.class);

    private final int batchSize;
    private final Function<Direction, ReplicationProgress> progress;
    private final Clock clock;
    /** When every key was last compared, per direction: by the end of a walk, or by a reconcile. */
    private final Map<Direction, Instant> reconciled = new ConcurrentHashMap<>();
    /** False once a source refused {@code MEMORY USAGE}: batches are then read whole. */
    private volatile boolean memoryUsageAllowed = true;

    RedisChangeReader(int batchSize, Function<Direction, ReplicationProgress> progress, Clock clock) {
        this.batchSize = batchSize;
        this.progress = progress;
        this.clock = clock;
    }

    /** A walk over the whole keyspace of the session's databases, starting now. */
    Sweep sweep(RedisSession session, boolean initial) {
        return new Sweep(initial, clock.instant(), progress.apply(session.direction).appliedCount(),
                new KeyspaceWalk(session.databases, batchSize));
    }

    /** Every key of the direction was compared in a walk that began at {@code at}. */
    void reconciled(Direction direction, Instant at) {
        reconciled.put(direction, at);
    }

    /** The next keys of the session's direction; the session keeps the walk and the keys the round took. */
    RedisChanges read(RedisSession session) {
        Direction direction = session.direction;
        DirtyKeys queue = session.queue;
        if (session.sweep == null && queue.takeSweepRequest()) {
            LOG.info("Redis replication {}: changes were not queued (queue full, or keys that are not UTF-8); "
                    + "comparing every key", direction);
            session.sweep = sweep(session, false);
        }
        RedisCheckpoint reached = session.position;
        List<DirtyKeys.Pending> swept = List.of();
        Sweep sweep = session.sweep;
        if (sweep != null) {
            swept = sweep.next(session.pair, queue, clock.instant());
            if (swept == null) {
                swept = List.of();
                reached = ended(session, sweep, reached);
            }
        }
        List<DirtyKeys.Pending> drained = queue.drain(batchSize);
        List<DirtyKeys.Pending> keys = new ArrayList<>(merged(swept, drained).values());
        int taken = fitting(session, keys);
        Set<RedisKey> left = keys(keys.subList(taken, keys.size()));
        Set<RedisKey> queued = keys(drained);
        queue.putBack(drained.stream().filter(p -> left.contains(p.key())).toList());
        List<DirtyKeys.Pending> walkedLeft = keys.subList(taken, keys.size()).stream()
                .filter(p -> !queued.contains(p.key())).toList();
        if (!walkedLeft.isEmpty()) {
            session.sweep.leave(walkedLeft);
        }
        session.roundTook(drained.stream().filter(p -> !left.contains(p.key())).toList());
        reached = reached.reconciled(reconciled.get(direction));
        session.position = reached;
        return new RedisChanges(direction, keys.subList(0, taken), reached, session.sweep != null || !queue.isEmpty());
    }

    /** The walk is over: everything was compared, and the initial sync, if it was one, is complete. */
    private RedisCheckpoint ended(RedisSession session, Sweep sweep, RedisCheckpoint reached) {
        Direction direction = session.direction;
        session.sweep = null;
        reconciled.put(direction, sweep.startedAt);
        long copied = progress.apply(direction).appliedCount() - sweep.appliedBefore;
        if (sweep.initial) {
            LOG.info("Redis initial sync {} complete: {} keys read in both regions, {} copied; following keyspace "
                    + "notifications", direction, sweep.visited(), copied);
            return reached.initialSyncCompleted(clock.instant());
        }
        LOG.info("Redis replication {}: every key compared ({} read in both regions), {} copied meanwhile",
                direction, sweep.visited(), copied);
        return reached;
    }

    /**
     * The walk's keys, then the queued ones, each key once: a key both found by the walk and notified is not a
     * repair.
     */
    private static Map<RedisKey, DirtyKeys.Pending> merged(List<DirtyKeys.Pending> swept, List<DirtyKeys.Pending> drained) {
        Map<RedisKey, DirtyKeys.Pending> keys = new LinkedHashMap<>();
        swept.forEach(p -> keys.put(p.key(), p));
        for (DirtyKeys.Pending pending : drained) {
            keys.merge(pending.key(), pending, (walked, notified) -> new DirtyKeys.Pending(notified.key(),
                    notified.changedAt().isAfter(walked.changedAt()) ? notified.changedAt() : walked.changedAt(),
                    walked.repair() && notified.repair()));
        }
        return keys;
    }

    private static Set<RedisKey> keys(List<DirtyKeys.Pending> pending) {
        Set<RedisKey> keys = new HashSet<>();
        pending.forEach(p -> keys.add(p.key()));
        return keys;
    }

    /** How many of the keys, from the first, have values at the source that fit in one batch together (at least one). */
    private int fitting(RedisSession session, List<DirtyKeys.Pending> keys) {
        if (keys.size() <= 1 || !memoryUsageAllowed) {
            return keys.size();
        }
        Map<Integer, List<Integer>> byDatabase = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            byDatabase.computeIfAbsent(keys.get(i).key().database(), d -> new ArrayList<>()).add(i);
        }
        long[] sizes = new long[keys.size()];
        for (Map.Entry<Integer, List<Integer>> entry : byDatabase.entrySet()) {
            int database = entry.getKey();
            List<Integer> indexes = entry.getValue();
            Optional<long[]> measured = RedisSizes.of(session.pair.source(database),
                    indexes.stream().map(i -> keys.get(i).key().key()).toList(),
                    "sizing " + indexes.size() + " keys of database " + database + " of " + session.pair.sourceDisplay());
            if (measured.isEmpty()) {
                memoryUsageAllowed = false;
                return keys.size();
            }
            for (int j = 0; j < indexes.size(); j++) {
                sizes[indexes.get(j)] = measured.get()[j];
            }
        }
        return RedisSizes.fitting(sizes, 0);
    }
}
