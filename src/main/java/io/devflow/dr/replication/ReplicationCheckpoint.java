package io.devflow.dr.replication;

/**
 * A store's replication checkpoint: an immutable record, saved as JSON in the control state. Checkpoints are
 * written at most once per interval, except when they pass a milestone (the initial sync completes, a collection
 * finishes copying): losing one of those to a crash would cost far more than the write.
 */
public interface ReplicationCheckpoint {

    /** Changes whenever the checkpoint passes a point that must be saved at once. */
    String milestone();
}
