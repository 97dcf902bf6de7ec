package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.ChangeBatch;

import java.util.List;

/**
 * What {@code read-changes} hands on: keys of one direction's source that may be out of step in the target
 * (notified, or met by a walk over the whole keyspace), and where the direction stands once they are handled.
 *
 * @param reached the checkpoint once these keys are handled (the initial sync complete when its walk ended)
 * @param more whether a walk is under way or keys are still queued: the worker polls again at once
 */
public record RedisChanges(Direction direction, List<DirtyKeys.Pending> keys, RedisCheckpoint reached, boolean more)
        implements ChangeBatch {

    public RedisChanges {
        keys = List.copyOf(keys);
    }

    @Override
    public int size() {
        return keys.size();
    }
}
