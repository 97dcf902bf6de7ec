package io.devflow.dr.store.mongodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.support.Remote;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Extracts every collection of the configured databases, one document at a time, as raw BSON exactly as
 * the server stores it (every BSON type preserved, no decoding). Each collection becomes a section whose
 * metadata carries its options and index definitions in canonical Extended JSON.
 */
public final class MongoSnapshotSource implements RecordSource {

    static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_SIZE = 1_000;

    private final MongoClient client;
    private final String server;
    private final List<String> databases;
    private final Deque<Target> pending = new ArrayDeque<>();
    private final Clock clock;
    private MongoCursor<RawBsonDocument> cursor;
    private boolean planned;
    private Instant finishedAt;

    private record Target(String database, String collection, Document options) {
    }

    public MongoSnapshotSource(MongoClient client, String server, List<String> databases) {
        this(client, server, databases, Clock.systemUTC());
    }

    public MongoSnapshotSource(MongoClient client, String server, List<String> databases, Clock clock) {
        this.client = client;
        this.server = server;
        this.databases = List.copyOf(databases);
        this.clock = clock;
    }

    /** When the last collection was read to its end: the newest instant the copy can hold; null until then. */
    public Instant finishedAt() {
        return finishedAt;
    }

    @Override
    public SourceRecord next() {
        if (!planned) {
            plan();
            planned = true;
        }
        if (cursor != null) {
            if (cursor.hasNext()) {
                return new SourceRecord.Item(MongoSections.bytes(cursor.next()));
            }
            cursor.close();
            cursor = null;
            return new SourceRecord.SectionEnd();
        }
        Target next = pending.poll();
        if (next == null) {
            if (finishedAt == null) {
                finishedAt = clock.instant();
            }
            return null;
        }
        MongoDatabase database = client.getDatabase(next.database());
        ObjectNode metadata = JSON.createObjectNode()
                .put("database", next.database())
                .put("collection", next.collection())
                .put("options", next.options().toJson(CANONICAL));
        ArrayNode indexes = metadata.putArray("indexes");
        Remote.run("listing indexes of " + MongoSections.name(next.database(), next.collection()) + " on " + server,
                () -> database.getCollection(next.collection()).listIndexes().forEach(i -> indexes.add(i.toJson(CANONICAL))));
        cursor = Remote.execute("reading " + MongoSections.name(next.database(), next.collection()) + " on " + server,
                () -> database.getCollection(next.collection(), RawBsonDocument.class).find().batchSize(BATCH_SIZE).cursor());
        return new SourceRecord.SectionStart(MongoSections.name(next.database(), next.collection()), metadata);
    }

    /** Expands the database list into its collections, in name order, so archives are deterministic. */
    private void plan() {
        for (String db : databases) {
            MongoSections.collections(client, db, server)
                    .forEach(c -> pending.add(new Target(db, c.getString("name"),
                            c.get("options", Document.class) != null ? c.get("options", Document.class) : new Document())));
        }
    }

    @Override
    public void close() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
    }
}
