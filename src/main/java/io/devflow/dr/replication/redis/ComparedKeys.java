package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.ChangeBatch;

import java.util.List;

/**
 * What {@code read-target} hands on: each key of a {@link RedisChanges} as both regions hold it, with the records
 * replication keeps beside them.
 */
public record ComparedKeys(Direction direction, List<KeyChange> keys, RedisCheckpoint reached, boolean more)
        implements ChangeBatch {

    public ComparedKeys {
        keys = List.copyOf(keys);
    }

    @Override
    public int size() {
        return keys.size();
    }
}
