package io.devflow.dr.store.mongodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.MongoException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.TruncatedArray;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.support.Remote;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.BsonBinaryWriter;
import org.bson.Document;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * One incremental segment: the change events of every collection of the configured databases, from the
 * positions where the previous segment (or the full backup) ended, until caught up (one-shot) or until a
 * deadline (the capture worker). Events are stored in one section, {@code changes}, as BSON documents:
 * {@code {ns, op, ts, wall?, key, doc?, upd?, token}}.
 *
 * <p>Each collection has its own change stream (MongoDB's database-wide streams are not available on every
 * server this runs against); idle streams are polled with back-off rather than spun on.
 */
public final class MongoChangeSource implements RecordSource {

    static final String SECTION = "changes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_IDLE_SLEEP_MS = 500;
    private static final long RELIST_EVERY_MS = 10_000;

    /** ChangeStreamHistoryLost, ChangeStreamFatalError, InvalidResumeToken: the oplog no longer reaches a position. */
    private static final Set<Integer> HISTORY_LOST = Set.of(286, 280, 260);

    private final MongoClient client;
    private final String server;
    private final List<String> databases;
    private final Map<String, ChangePosition> start;
    private final Instant until;
    private final BooleanSupplier stopping;
    private final Clock clock;
    private final Map<String, Watcher> watchers = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private ChangePosition closingPosition;
    private Instant coveredUntil;
    private long lastListing;
    private long idleSleep = 1;
    private State state = State.NEW;

    private enum State { NEW, CAPTURING, CLOSING, ENDED, DONE }

    private final class Watcher {
        final String namespace;
        final MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor;
        ChangePosition position;

        Watcher(String namespace, ChangePosition from) {
            this.namespace = namespace;
            this.position = from;
            int dot = namespace.indexOf('.');
            MongoCollection<RawBsonDocument> collection = client.getDatabase(namespace.substring(0, dot))
                    .getCollection(namespace.substring(dot + 1), RawBsonDocument.class);
            var stream = collection.watch().fullDocument(FullDocument.UPDATE_LOOKUP);
            try {
                this.cursor = Remote.execute("opening the change stream of " + namespace + " on " + server,
                        () -> (from.token() != null ? stream.resumeAfter(from.token()) : stream.startAtOperationTime(from.next()))
                                .cursor());
            } catch (RuntimeException e) {
                throw historyLost(e, server, namespace, from).orElse(e);
            }
        }
    }

    /**
     * The server's answer that the oplog no longer reaches a position (ChangeStreamHistoryLost, 286; a resume
     * token it cannot use, 260/280), as what it means for the backups and what to do.
     */
    static Optional<RuntimeException> historyLost(RuntimeException failure, String server, String namespace,
                                                  ChangePosition from) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MongoException mongo && HISTORY_LOST.contains(mongo.getCode())) {
                return Optional.of(new IllegalStateException("the oplog of " + server + " no longer reaches "
                        + from.encode() + ", where the previous segment of " + namespace + " ended: the changes since "
                        + "then are in no backup. Take a full backup now (dr backup --type full) to start a new "
                        + "chain, and size the oplog to hold more than backup.incremental.segmentMinutes of writes",
                        failure));
            }
        }
        return Optional.empty();
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
        this.start = Map.copyOf(start);
        this.until = until;
        this.stopping = stopping;
        this.clock = clock;
    }

    @Override
    public SourceRecord next() {
        switch (state) {
            case NEW -> {
                openWatchers();
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
            SourceRecord event = poll();
            if (event != null) {
                idleSleep = 1;
                return event;
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
                openWatchers();
                state = State.CLOSING;
                continue;
            }
            if (System.currentTimeMillis() - lastListing > RELIST_EVERY_MS) {
                openWatchers();
            }
            sleep();
        }
    }

    /** One event from the first stream that has one, or null when all are idle. */
    private SourceRecord poll() {
        for (Watcher watcher : watchers.values()) {
            ChangeStreamDocument<RawBsonDocument> event = Remote.execute(
                    "reading the change stream of " + watcher.namespace + " on " + server, watcher.cursor::tryNext);
            if (event != null) {
                watcher.position = new ChangePosition(event.getClusterTime(), event.getResumeToken());
                counts.merge(watcher.namespace, 1L, Long::sum);
                return new SourceRecord.Item(encode(watcher.namespace, event));
            }
        }
        return null;
    }

    private void openWatchers() {
        lastListing = System.currentTimeMillis();
        ChangePosition forNew = ChangePosition.of(start, ChangePosition.ALL_STREAMS);
        for (String database : databases) {
            for (Document c : MongoSections.collections(client, database, server)) {
                String namespace = MongoSections.name(database, c.getString("name"));
                if (!watchers.containsKey(namespace)) {
                    ChangePosition from = start.containsKey(namespace) ? start.get(namespace) : forNew;
                    watchers.put(namespace, new Watcher(namespace, from));
                }
            }
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
        watchers.forEach((namespace, w) -> {
            boolean ownPosition = w.position.isAfter(closingPosition)
                    || (w.position.token() != null && w.position.compareTo(closingPosition) == 0);
            end.put(namespace, (ownPosition ? w.position : closingPosition).encode());
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
        watchers.values().forEach(w -> w.cursor.close());
    }
}
