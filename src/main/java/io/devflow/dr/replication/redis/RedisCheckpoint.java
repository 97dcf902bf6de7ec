package io.devflow.dr.replication.redis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.devflow.dr.replication.ReplicationCheckpoint;

import java.time.Instant;

/**
 * Where Redis replication stands in one direction. Redis has no position to resume from (what changed while no
 * one listened is found by comparing), so the checkpoint says whether the initial sync is complete, when the
 * regions were last compared, and the totals carried over restarts. Saved as
 * {@code {"initialSync": "in-progress"|"complete", "startedAt", "applied", "bytes", "initialSyncCompletedAt",
 * "lastReconcileAt"}}, the last two once they happened.
 *
 * @param initialSync {@code complete} once every key was compared and copied; anything else means in progress
 * @param applied keys written into the target, ever
 * @param bytes bytes of values written into the target, ever
 */
@JsonPropertyOrder({"initialSync", "startedAt", "applied", "bytes", "initialSyncCompletedAt", "lastReconcileAt"})
public record RedisCheckpoint(String initialSync, Instant startedAt, long applied, long bytes,
                              Instant initialSyncCompletedAt, Instant lastReconcileAt) implements ReplicationCheckpoint {

    static final String IN_PROGRESS = "in-progress";
    static final String COMPLETE = "complete";

    /** A direction that has replicated nothing yet: its initial sync starts now. */
    static RedisCheckpoint starting(Instant now) {
        return new RedisCheckpoint(IN_PROGRESS, now, 0, 0, null, null);
    }

    /** Saved at once when it changes: the initial sync's completion must not be lost to a crash. */
    @Override
    public String milestone() {
        return initialSync;
    }

    @JsonIgnore
    public boolean initialSyncComplete() {
        return COMPLETE.equals(initialSync);
    }

    RedisCheckpoint initialSyncCompleted(Instant at) {
        return new RedisCheckpoint(COMPLETE, startedAt, applied, bytes, at, lastReconcileAt);
    }

    /** Every key was last compared in a walk that began at {@code at} (null: never, in this process). */
    RedisCheckpoint reconciled(Instant at) {
        return at == null ? this : new RedisCheckpoint(initialSync, startedAt, applied, bytes, initialSyncCompletedAt, at);
    }

    RedisCheckpoint counting(long appliedTotal, long bytesTotal) {
        return new RedisCheckpoint(initialSync, startedAt, appliedTotal, bytesTotal, initialSyncCompletedAt,
                lastReconcileAt);
    }
}
