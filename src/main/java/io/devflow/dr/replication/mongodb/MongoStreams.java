package io.devflow.dr.replication.mongodb;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.devflow.dr.store.mongodb.ChangePosition;
import io.devflow.dr.store.mongodb.MongoSections;
import io.devflow.dr.support.Remote;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The change streams of one direction's source: one per collection of the replicated databases (database-wide
 * streams are not available on every server this runs against), opened from the checkpoint's positions, with
 * collections created later picked up when the collections are listed again.
 */
final class MongoStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MongoStreams.class);
    private static final long RELIST_EVERY_MS = 10_000;

    private final MongoClient client;
    private final String server;
    private final List<String> databases;
    private final Map<String, ChangePosition> positions = new TreeMap<>();
    private final Map<String, MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>>> cursors = new TreeMap<>();
    private long lastListing;
    private int superseded;

    /** @param positions per collection, and under {@link ChangePosition#ALL_STREAMS} for the others, what is applied */
    MongoStreams(MongoClient client, String server, List<String> databases, Map<String, ChangePosition> positions) {
        if (!positions.containsKey(ChangePosition.ALL_STREAMS)) {
            throw new IllegalArgumentException("the checkpoint has no position for new collections");
        }
        this.client = client;
        this.server = server;
        this.databases = List.copyOf(databases);
        this.positions.putAll(positions);
    }

    /** Up to {@code max} changes, oldest first per collection; empty when every stream is idle. */
    List<MongoChange> poll(int max) {
        if (cursors.isEmpty() || System.currentTimeMillis() - lastListing > RELIST_EVERY_MS) {
            list();
        }
        List<MongoChange> changes = new ArrayList<>();
        for (String namespace : new ArrayList<>(cursors.keySet())) {
            var cursor = cursors.get(namespace);
            while (changes.size() < max) {
                ChangeStreamDocument<RawBsonDocument> event = Remote.execute(
                        "reading the change stream of " + namespace + " on " + server, cursor::tryNext);
                if (event == null) {
                    advanceQuiet(namespace, cursor);
                    break;
                }
                positions.put(namespace, new ChangePosition(event.getClusterTime(), event.getResumeToken()));
                MongoChange change = change(namespace, event);
                if (change != null) {
                    changes.add(change);
                } else if (!isEndOfStream(event)) {
                    superseded++;
                } else {
                    LOG.warn("collection {} was {} on {}; its replicated copy is left as it is", namespace,
                            "invalidate".equals(event.getOperationTypeString()) ? "dropped or renamed"
                                    : event.getOperationTypeString() + " (dropped or renamed)", server);
                    cursor.close();
                    cursors.remove(namespace);
                    break;
                }
            }
            if (changes.size() >= max) {
                break;
            }
        }
        return changes;
    }

    /**
     * A stream with nothing new still moves on: the server's post-batch resume token is past everything it has
     * looked at, so a collection that is rarely written does not keep a position the oplog may since have
     * dropped (the stream could then never be reopened).
     */
    private void advanceQuiet(String namespace, MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor) {
        BsonDocument token = cursor.getResumeToken();
        ChangePosition position = positions.get(namespace);
        if (token != null && position != null && !token.equals(position.token())) {
            positions.put(namespace, new ChangePosition(position.time(), token));
        }
    }

    /**
     * Events read since the last call that carry no change of their own: a document changed and deleted since
     * (its deletion follows in the stream and stands for both).
     */
    int takeSuperseded() {
        int count = superseded;
        superseded = 0;
        return count;
    }

    /** The positions reached, encoded for the checkpoint. */
    Map<String, String> positions() {
        Map<String, String> encoded = new LinkedHashMap<>();
        positions.forEach((namespace, position) -> encoded.put(namespace, position.encode()));
        return encoded;
    }

    private void list() {
        // Read the position before listing: a collection created after this listing has all its changes after it.
        ChangePosition beforeListing = ChangePosition.current(client, server);
        ChangePosition forNew = positions.get(ChangePosition.ALL_STREAMS);
        for (String database : databases) {
            for (Document c : MongoSections.collections(client, database, server)) {
                String namespace = MongoSections.name(database, c.getString("name"));
                if (!cursors.containsKey(namespace)) {
                    ChangePosition from = positions.getOrDefault(namespace, forNew);
                    positions.put(namespace, from);
                    cursors.put(namespace, open(namespace, from));
                }
            }
        }
        positions.put(ChangePosition.ALL_STREAMS, beforeListing.isAfter(forNew) ? beforeListing : forNew);
        lastListing = System.currentTimeMillis();
    }

    private MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> open(String namespace, ChangePosition from) {
        int dot = namespace.indexOf('.');
        var stream = client.getDatabase(namespace.substring(0, dot))
                .getCollection(namespace.substring(dot + 1), RawBsonDocument.class)
                .watch().fullDocument(FullDocument.UPDATE_LOOKUP);
        return Remote.execute("opening the change stream of " + namespace + " on " + server,
                () -> (from.token() != null ? stream.resumeAfter(from.token()) : stream.startAtOperationTime(from.next()))
                        .cursor());
    }

    private static boolean isEndOfStream(ChangeStreamDocument<RawBsonDocument> event) {
        String op = event.getOperationTypeString();
        return "invalidate".equals(op) || "drop".equals(op) || "rename".equals(op) || "dropDatabase".equals(op);
    }

    /**
     * The change in replication's terms, or null for events that carry none: a document looked up after it
     * was deleted (its deletion follows in the stream), or a collection-level event.
     */
    static MongoChange change(String namespace, ChangeStreamDocument<RawBsonDocument> event) {
        String op = event.getOperationTypeString();
        Instant wall = event.getWallTime() == null ? null : Instant.ofEpochMilli(event.getWallTime().getValue());
        BsonValue id = event.getDocumentKey() != null && event.getDocumentKey().containsKey("_id")
                ? event.getDocumentKey().get("_id") : null;
        switch (op == null ? "" : op) {
            case "delete" -> {
                return id == null ? null
                        : new MongoChange(namespace, id, null, event.getClusterTime(), wall, event.getResumeToken());
            }
            case "insert", "update", "replace" -> {
                RawBsonDocument document = event.getFullDocument();
                if (document == null || !document.containsKey("_id")) {
                    return null;
                }
                BsonValue documentId = document.get("_id");
                if (id != null && !id.equals(documentId)) {
                    return null;
                }
                return new MongoChange(namespace, documentId, document, event.getClusterTime(), wall,
                        event.getResumeToken());
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public void close() {
        cursors.values().forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException e) {
                // the server may be gone already
            }
        });
        cursors.clear();
    }
}
