package io.devflow.dr.replication.redis;

import io.devflow.dr.store.redis.RedisPair;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A walk over the whole keyspace copying whatever is out of step: the initial sync, or a catch-up after a restart,
 * a reset or a queue that overflowed. Keys of a page that did not fit in one round wait here for the next.
 */
final class Sweep {

    final boolean initial;
    final Instant startedAt;
    /** The target's applied total when the walk began, for the log line at its end. */
    final long appliedBefore;
    private final KeyspaceWalk walk;
    private final Deque<DirtyKeys.Pending> left = new ArrayDeque<>();

    Sweep(boolean initial, Instant startedAt, long appliedBefore, KeyspaceWalk walk) {
        this.initial = initial;
        this.startedAt = startedAt;
        this.appliedBefore = appliedBefore;
        this.walk = walk;
    }

    /**
     * The keys to look at next: those left over from the last page, else the next page's (possibly none); null
     * once the walk is over. After the initial sync, a key the walk finds out of step was missed, unless a
     * notification is waiting for it: only such keys count as repairs.
     */
    List<DirtyKeys.Pending> next(RedisPair pair, DirtyKeys queue, Instant now) {
        if (!left.isEmpty()) {
            List<DirtyKeys.Pending> keys = new ArrayList<>(left);
            left.clear();
            return keys;
        }
        KeyspaceWalk.Page page = walk.next(pair);
        if (page == null) {
            return null;
        }
        List<DirtyKeys.Pending> keys = new ArrayList<>(page.keys().size());
        for (byte[] key : page.keys()) {
            RedisKey found = new RedisKey(page.database(), key);
            keys.add(new DirtyKeys.Pending(found, now, !initial && !queue.contains(found)));
        }
        return keys;
    }

    /** Keys of the last page that did not fit in the round: they come first next time. */
    void leave(List<DirtyKeys.Pending> keys) {
        left.addAll(keys);
    }

    /** Keys read so far, on both sides. */
    long visited() {
        return walk.visited();
    }
}
