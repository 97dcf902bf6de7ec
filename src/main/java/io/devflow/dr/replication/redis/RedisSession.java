package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.store.redis.RedisPair;
import io.devflow.dr.store.redis.RedisTargetWriter;

import java.util.List;

/**
 * One direction's working state between rounds: its connections and target writer, where it stands, the walk over
 * the keyspace under way, and the keys drained from its queue for the round in progress. A round that fails
 * resets the direction, which closes the session: those keys go back to the queue, ahead of newer ones, so that
 * they are neither lost nor taken for repairs by the walk the next session begins with.
 */
final class RedisSession implements DirectionSessions.Session {

    final Direction direction;
    final RedisPair pair;
    final RedisTargetWriter writer;
    final DirtyKeys queue;
    /** The databases replicated: the source's configured ones, never the metadata database. */
    final List<Integer> databases;
    /** Where the direction stands once the round read last is handled. */
    RedisCheckpoint position;
    /** The walk under way, or null; the reconcile (another thread) skips a direction while one runs. */
    volatile Sweep sweep;
    boolean notificationsChecked;
    private List<DirtyKeys.Pending> inFlight = List.of();

    RedisSession(Direction direction, RedisPair pair, RedisTargetWriter writer, DirtyKeys queue, List<Integer> databases,
                 RedisCheckpoint position) {
        this.direction = direction;
        this.pair = pair;
        this.writer = writer;
        this.queue = queue;
        this.databases = List.copyOf(databases);
        this.position = position;
    }

    /** The queued keys the round in progress took: put back in the queue if the round fails. */
    void roundTook(List<DirtyKeys.Pending> drained) {
        inFlight = List.copyOf(drained);
    }

    /** The round in progress was handled: its keys are in the target, or held, or kept as conflicts. */
    void roundHandled() {
        inFlight = List.of();
    }

    @Override
    public void close() {
        queue.putBack(inFlight);
        inFlight = List.of();
        pair.close();
    }
}
