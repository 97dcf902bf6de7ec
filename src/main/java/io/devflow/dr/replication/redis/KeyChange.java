package io.devflow.dr.replication.redis;

/**
 * One key a round decides on: why it is looked at, and what both regions held when it was read.
 *
 * @param reverseQueued whether the reverse direction has the key queued (a change in the target on its way back)
 * @param comparedAt when both regions were read, epoch milliseconds
 */
public record KeyChange(DirtyKeys.Pending pending, KeyState state, boolean reverseQueued, long comparedAt) {

    int database() {
        return pending.key().database();
    }
}
