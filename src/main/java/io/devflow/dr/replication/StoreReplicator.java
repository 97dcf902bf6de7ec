package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.Resolution;

import java.util.Map;

/**
 * Replication of one kind of store. An implementation keeps, per direction, its open readers and the
 * position reached in memory; the durable position is the checkpoint {@link #commit} writes. Calls for one
 * direction come from one thread at a time (the store's worker route), except {@link #stop}, {@link #settle}
 * and {@link #resolve}, which implementations make safe against a running poll.
 */
public interface StoreReplicator extends AutoCloseable {

    StoreKind store();

    /**
     * Reads the next changes at the source and applies those that conflict with nothing to the target.
     * Starts with the initial sync when the direction has no checkpoint, and resumes from the checkpoint
     * after a restart or {@link #reset}.
     */
    Batch poll(Direction direction, ReplicationProgress progress);

    /** Records durably that everything in the batch is applied or settled (at most once per checkpoint interval). */
    void commit(Batch batch);

    /**
     * Carries out a conflict's decision: writes the source version to the target ({@link Decision#SOURCE}),
     * makes the target's version the replicated one ({@link Decision#TARGET}), or holds the record
     * ({@link Decision#PENDING}) so that later source changes do not overwrite it until it is resolved.
     */
    void settle(Conflict conflict);

    /**
     * An operator's resolution of an open conflict: writes the chosen version where it is missing (the
     * target for {@code source}, the source for {@code target}, both for custom JSON) and releases the record.
     *
     * @return the conflict as resolved
     */
    Conflict resolve(Conflict conflict, Resolution resolution, String by);

    /** Forgets the direction's in-memory position and open readers; the next poll starts from the checkpoint. */
    void reset(Direction direction);

    /** Writes the checkpoint now and closes the direction's readers (replication of this store is stopping). */
    void stop(Direction direction);

    /**
     * Compares the whole source with the target and queues what is out of step; returns how many records
     * it found. Stores whose change feed cannot miss a change (a resumable change stream, a time window)
     * have nothing to reconcile.
     */
    default long reconcile(Direction direction) {
        return 0;
    }

    /** A warning for status when the store replicates in a degraded way (for example without a change feed). */
    default java.util.Optional<String> warning() {
        return java.util.Optional.empty();
    }

    /** What the target holds, for status: for example {@code documents}, {@code keys}, {@code dataPoints}. */
    Map<String, Long> targetCounts(Direction direction);

    @Override
    void close();
}
