package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.Resolution;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replication of one kind of store, as the steps of its worker route
 * ({@code routes/replication/store-replication.camel.yaml}) and of the conflict route call it, plus what
 * operators and the control loop ask of it. One direction's steps run on one thread at a time (its worker
 * route); {@link #settle}, {@link #resolve} and {@link #stop} are safe against a round in progress.
 *
 * <p>A direction keeps its open readers and the position it reached in memory; the durable position is the
 * checkpoint the {@link #checkpoint} step writes. A failure anywhere in a round {@link #reset}s the direction, so
 * the next round reads again from the checkpoint: every write is idempotent, so replay is harmless.
 *
 * @param <B> a batch of source changes
 * @param <T> the batch with what the target (and the versions kept beside it) holds for those changes
 * @param <W> a group of writes into the target
 * @param <K> the store's view of one change and its target record (a conflict, a held change)
 * @param <P> the store's checkpoint
 */
public interface StoreReplication<B extends ChangeBatch, T extends ChangeBatch, W, K, P extends ReplicationCheckpoint>
        extends AutoCloseable {

    StoreKind store();

    // --- the worker route's steps, in order ---

    /**
     * {@code read-changes}: the next changes at the direction's source. Starts with the initial sync when the
     * direction has no checkpoint, and resumes from the checkpoint after a restart or {@link #reset}.
     */
    B read(Direction direction);

    /** {@code read-target}: what the target holds for the batch's records, and the versions replication kept. */
    T readTarget(B changes);

    /**
     * {@code classify}: decides each change from what {@link #readTarget} found, without reading or writing
     * anything: apply, echo (skipped), in step (skipped), conflict, or held by an open conflict.
     */
    Classified<P> classify(T compared);

    /** {@code write-target}: writes a group of changes; returns the changes the target refused for good. */
    List<ReplicationFailure> write(Outcome.Apply<W> apply);

    /** {@code hold}: keeps a source change of a held record with its open conflict, for review. */
    void hold(Outcome.Held<K> held);

    /** {@code checkpoint}: records durably that the batch is handled (at most once per checkpoint interval, or at a milestone). */
    RoundResult checkpoint(Classified<P> batch);

    // --- the conflict route ---

    /** Both versions of a conflicting record, with their change times, for the strategy and for review. */
    ConflictVersions describe(Outcome.Conflicting<K> conflicting);

    /**
     * Carries out a recorded conflict's decision: writes the source version to the target, makes the target's
     * version the replicated one, or holds the record (pending) until an operator resolves it.
     */
    void settle(Conflict conflict);

    // --- operators and control ---

    /**
     * An operator's resolution of an open conflict: writes the chosen version where it is missing and releases
     * the record.
     *
     * @return the conflict as resolved
     */
    Conflict resolve(Conflict conflict, Resolution resolution, String by);

    /** Forgets the direction's in-memory position and open readers; the next round starts from the checkpoint. */
    void reset(Direction direction);

    /** Writes the checkpoint now and closes the direction's readers: replication of this store has stopped. */
    void stop(Direction direction);

    /**
     * Compares the whole source with the target and queues what is out of step; returns how many records it found.
     * Stores whose change feed cannot miss a change (a resumable change stream, a time window) have nothing to do.
     */
    default long reconcile(Direction direction) {
        return 0;
    }

    /** A warning for status when the store replicates in a degraded way (for example without a change feed). */
    default Optional<String> warning() {
        return Optional.empty();
    }

    /** What the target holds, for status: for example {@code documents}, {@code keys}, {@code dataPoints}. */
    Map<String, Long> targetCounts(Direction direction);

    @Override
    void close();
}
