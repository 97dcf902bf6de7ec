package io.devflow.dr.replication.mongodb;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.devflow.dr.replication.ReplicationCheckpoint;
import io.devflow.dr.store.mongodb.ChangePosition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where MongoDB replication of one direction stands. During the initial sync: the position read before the
 * copy began ({@code start}) and the collections copied so far; afterwards, the change-stream position of
 * every collection (and {@link ChangePosition#ALL_STREAMS} for collections created later). Positions are
 * {@link ChangePosition#encode encoded}. {@code applied} and {@code bytes} carry the counts across restarts.
 *
 * @param phase {@code initial-sync} or {@code streaming}
 * @param copied during the initial sync, the collections ({@code db.collection}) copied completely
 * @param positions once streaming, per collection
 */
@JsonPropertyOrder({"phase", "start", "startedAt", "copied", "positions", "initialSyncCompletedAt", "applied", "bytes"})
public record MongoCheckpoint(String phase, String start, Instant startedAt, List<String> copied,
                              Map<String, String> positions, Instant initialSyncCompletedAt, long applied, long bytes)
        implements ReplicationCheckpoint {

    static final String INITIAL_SYNC = "initial-sync";
    static final String STREAMING = "streaming";

    public MongoCheckpoint {
        copied = copied == null ? null : List.copyOf(copied);
        positions = positions == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(positions));
    }

    /** A direction's first checkpoint: everything from {@code start} on is read from the change streams after the copy. */
    static MongoCheckpoint initialSync(ChangePosition start, Instant startedAt) {
        return new MongoCheckpoint(INITIAL_SYNC, start.encode(), startedAt, List.of(), null, null, 0, 0);
    }

    boolean copying() {
        return INITIAL_SYNC.equals(phase);
    }

    ChangePosition startPosition() {
        return ChangePosition.decode(start);
    }

    /** The source time of the position the initial sync started from: everything before it is in its copy. */
    Instant syncStart() {
        return Instant.ofEpochSecond(startPosition().time().getTime());
    }

    /** One more collection copied completely. */
    MongoCheckpoint withCopied(String namespace) {
        List<String> more = new ArrayList<>(copied);
        more.add(namespace);
        return new MongoCheckpoint(phase, start, startedAt, more, positions, initialSyncCompletedAt, applied, bytes);
    }

    /** Every collection is copied: the change streams follow, every one of them from the sync's start. */
    MongoCheckpoint streaming(Instant completedAt) {
        return new MongoCheckpoint(STREAMING, start, startedAt, null, Map.of(ChangePosition.ALL_STREAMS, start),
                completedAt, applied, bytes);
    }

    /** The change streams have reached these positions. */
    MongoCheckpoint at(Map<String, String> reached) {
        return new MongoCheckpoint(phase, start, startedAt, copied, reached, initialSyncCompletedAt, applied, bytes);
    }

    MongoCheckpoint plusApplied(long count, long byteCount) {
        return new MongoCheckpoint(phase, start, startedAt, copied, positions, initialSyncCompletedAt,
                applied + count, bytes + byteCount);
    }

    /** Saved at once: the phase changes, or one more collection is copied (a crash would copy it again). */
    @Override
    public String milestone() {
        return phase + " " + (copied == null ? 0 : copied.size());
    }
}
