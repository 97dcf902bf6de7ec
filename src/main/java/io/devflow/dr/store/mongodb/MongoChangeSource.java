package io.devflow.dr.store.mongodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.TruncatedArray;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SourceRecord;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.BsonBinaryWriter;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * One incremental segment: the change events of every collection of the configured databases, from the
 * positions where the previous segment (or the full backup) ended, until caught up (one-shot) or until a
 * deadline (the capture worker). Events are stored in one section, {@code changes}, as BSON documents:
 * {@code {ns, op, ts, wall?, key, doc?, upd?, token}}.
 *
 * <p>The events come from the {@link MongoChangeFeed} of those databases, one at a time; idle streams are polled
 * with back-off rather than spun on.
 */
public final class MongoChangeSource implements RecordSource {

    static final String SECTION = "changes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_IDLE_SLEEP_MS = 500;

    private final MongoClient client;
    private final String server;
    private final List<String> databases;
    private final Instant until;
    private final BooleanSupplier stopping;
    private final Clock clock;
    private final MongoChangeFeed feed;
    private final Map<String, Long> counts = new TreeMap<>();
    private ChangePosition closingPosition;
    private Instant coveredUntil;
    private long idleSleep = 1;
    private State state = State.NEW;

    private enum State { NEW, CAPTURING, CLOSING, ENDED, DONE }

    /**
     * The server's answer that the oplog no longer reaches a position (ChangeStreamHistoryLost, 286; a resume
     * token it cannot use, 260/280), as what it means for the backups and what to do.
     */
    static Optional<RuntimeException> historyLost(RuntimeException failure, String server, String namespace,
                                                  ChangePosition from) {
        if (!MongoChangeFeed.isHistoryLost(failure)) {
            return Optional.empty();
        }
        return Optional.of(new IllegalStateException("the oplog of " + server + " no longer reaches "
                + from.encode() + ", where the previous segment of " + namespace + " ended: the changes since "
                + "then are in no backup. Take a full backup now (dr backup --type full) to start a new "
                + "chain, and size the oplog to hold more than backup.incremental.segmentMinutes of writes",
                failure));
    }

    /**
     * @param start per collection (or {@link ChangePosition#ALL_STREAMS} for all) the position already covered
     * @param until when to close the segment; null to close as soon as every stream is caught up
     */
    public MongoChangeSource(MongoClient client, String server, List<String> databases, Map<String, ChangePosition> start,
                             Instant until, BooleanSupplier stopping, Clock clock) {
        if (ChangePosition.of(start, ChangePosition.ALL_STREAMS) == null) {
            throw new IllegalArgumentException("the parent backup records no position for new collections");
        }
        this.client = client;
        this.server = server;
        this.databases = List.copyOf(databases);
        this.until = until;
        this.stopping = stopping;
        this.clock = clock;
        this.feed = new MongoChangeFeed(client, server, databases, start,
                (failure, namespace, from) -> historyLost(failure, server, namespace, from).orElse(failure));
    }

    @Override
    public SourceRecord next() {
        switch (state) {
            case NEW -> {
                feed.relist();
                state = State.CAPTURING;
                ObjectNode metadata = JSON.createObjectNode().put("databases", String.join(",", databases));
                return new SourceRecord.SectionStart(SECTION, metadata);
            }
            case CAPTURING, CLOSING -> {
                return capture();
            }
            case ENDED -> {
                state = State.DONE;
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private SourceRecord capture() {
        while (true) {
            // one event at a time: a segment holds no more than one event in memory
            List<MongoChangeFeed.Event> events = feed.poll(1);
            if (!events.isEmpty()) {
                idleSleep = 1;
                MongoChangeFeed.Event event = events.get(0);
                counts.merge(event.namespace(), 1L, Long::sum);
                return new SourceRecord.Item(encode(event.namespace(), event.change()));
            }
            if (state == State.CLOSING) {
                state = State.ENDED;
                return new SourceRecord.SectionEnd();
            }
            if (until == null || !clock.instant().isBefore(until) || stopping.getAsBoolean()) {
                // Read the position first, then drain: everything up to it is then in this segment. The segment
                // covers the time up to that read: a write made while the streams drain may reach a stream
                // after its last read, and goes to the next segment.
                coveredUntil = clock.instant();
                closingPosition = ChangePosition.current(client, server);
                feed.relist();
                state = State.CLOSING;
                continue;
            }
            sleep();
        }
    }

    private void sleep() {
        try {
            Thread.sleep(idleSleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("change capture on " + server + " was interrupted", e);
        }
        idleSleep = Math.min(idleSleep * 2, MAX_IDLE_SLEEP_MS);
    }

    /**
     * The event in this tool's form. The key comes from the full document when the server's document key
     * lacks an {@code _id} (some servers put the update there).
     */
    static byte[] encode(String namespace, ChangeStreamDocument<RawBsonDocument> event) {
        BsonDocument out = new BsonDocument();
        out.put("ns", new BsonString(namespace));
        out.put("op", new BsonString(event.getOperationTypeString()));
        out.put("ts", event.getClusterTime());
        if (event.getWallTime() != null) {
            out.put("wall", event.getWallTime());
        }
        BsonValue id = null;
        if (event.getDocumentKey() != null && event.getDocumentKey().containsKey("_id")) {
            id = event.getDocumentKey().get("_id");
        } else if (event.getFullDocument() != null) {
            id = event.getFullDocument().get("_id");
        }
        if (id != null) {
            out.put("key", new BsonDocument("_id", id));
        }
        if (event.getFullDocument() != null) {
            out.put("doc", event.getFullDocument());
        }
        if (event.getUpdateDescription() != null) {
            BsonDocument update = new BsonDocument();
            if (event.getUpdateDescription().getUpdatedFields() != null) {
                update.put("set", event.getUpdateDescription().getUpdatedFields());
            }
            if (event.getUpdateDescription().getRemovedFields() != null) {
                update.put("unset", new org.bson.BsonArray(event.getUpdateDescription().getRemovedFields().stream()
                        .map(f -> (BsonValue) new BsonString(f)).toList()));
            }
            List<TruncatedArray> truncated = event.getUpdateDescription().getTruncatedArrays();
            if (truncated != null && !truncated.isEmpty()) {
                // arrays an update pipeline shortened; the server applies these before the updated fields
                update.put("trunc", new org.bson.BsonArray(truncated.stream().map(t -> (BsonValue) new BsonDocument(
                        "f", new BsonString(t.getField())).append("n", new BsonInt32(t.getNewSize()))).toList()));
            }
            out.put("upd", update);
        }
        out.put("token", event.getResumeToken());
        BasicOutputBuffer buffer = new BasicOutputBuffer();
        new BsonDocumentCodec().encode(new BsonBinaryWriter(buffer), out, EncoderContext.builder().build());
        return buffer.toByteArray();
    }

    /** Where each collection's stream ended, and the position for collections that did not exist yet. */
    public Map<String, String> endPositions() {
        if (state != State.DONE && state != State.ENDED) {
            throw new IllegalStateException("the segment is still open");
        }
        Map<String, String> end = new LinkedHashMap<>();
        end.put(ChangePosition.ALL_STREAMS, closingPosition.encode());
        // A stream that moved past the closing position ends at its last event; every other one was drained
        // after that position was read, so it ends there (with its own token when it stopped exactly there).
        // The last event, not where the stream would resume: a quiet stream's resume token carries no time of
        // its own, and the segment's end is a time.
        feed.lastEvents().forEach((namespace, last) -> {
            boolean ownPosition = last.isAfter(closingPosition)
                    || (last.token() != null && last.compareTo(closingPosition) == 0);
            end.put(namespace, (ownPosition ? last : closingPosition).encode());
        });
        return end;
    }

    public Instant coveredUntil() {
        return coveredUntil;
    }

    /** Events captured per collection. */
    public Map<String, Long> counts() {
        return Map.copyOf(counts);
    }

    @Override
    public void close() {
        feed.close();
    }
}
