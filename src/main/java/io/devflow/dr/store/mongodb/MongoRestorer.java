package io.devflow.dr.store.mongodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.store.ParallelWrites;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;
import org.bson.Document;
import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Writes an archive's collections into a MongoDB: creates each collection, writes its documents in unordered
 * batches on a few workers (bulk inserts into a collection this restore created, upserts by {@code _id} into
 * one that existed), and builds its indexes once its documents are in. Re-running an interrupted restore
 * therefore completes it without duplicates.
 */
public final class MongoRestorer implements StoreOperations.Restorer {

    private static final int MAX_BATCH_DOCUMENTS = 1_000;
    private static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoClient client;
    private final String server;
    private final UnaryOperator<String> databaseMapping;
    private final ParallelWrites writes;
    private final Map<String, Long> restored = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private List<RawBsonDocument> batch = new ArrayList<>();
    private Section section;
    private int batchBytes;

    /** One collection being restored; its writes, so that its indexes are built after them. */
    private record Section(String name, MongoDatabase database, String collectionName,
                           MongoCollection<RawBsonDocument> collection, boolean createdByThisRestore,
                           List<Document> indexes, List<CompletableFuture<Void>> writes) {
    }

    /**
     * @param databaseMapping source database name to target database name
     * @param workers how many batches are written at once
     */
    public MongoRestorer(MongoClient client, String server, UnaryOperator<String> databaseMapping, int workers) {
        this.client = client;
        this.server = server;
        this.databaseMapping = databaseMapping;
        this.writes = new ParallelWrites("mongodb", workers);
    }

    @Override
    public void sectionStart(String name, ObjectNode metadata) {
        String targetDatabase = databaseMapping.apply(metadata.path("database").asText());
        String collectionName = metadata.path("collection").asText();
        String section = MongoSections.name(targetDatabase, collectionName);
        MongoDatabase database = client.getDatabase(targetDatabase);
        boolean created = Remote.execute("creating " + section + " on " + server, () -> {
            boolean exists = database.listCollectionNames().into(new ArrayList<>()).contains(collectionName);
            if (!exists) {
                createCollection(database, collectionName, section, Document.parse(metadata.path("options").asText("{}")));
            }
            return !exists;
        });
        List<Document> indexes = new ArrayList<>();
        for (var index : metadata.path("indexes")) {
            Document spec = Document.parse(index.asText());
            if (!"_id_".equals(spec.getString("name"))) {
                spec.remove("ns");
                indexes.add(spec);
            }
        }
        this.section = new Section(section, database, collectionName,
                database.getCollection(collectionName, RawBsonDocument.class), created, indexes, new ArrayList<>());
        synchronized (restored) {
            restored.put(section, 0L);
        }
    }

    private void createCollection(MongoDatabase database, String name, String section, Document options) {
        if (options.isEmpty()) {
            database.createCollection(name);
            return;
        }
        Document create = new Document("create", name);
        create.putAll(options);
        try {
            database.runCommand(create);
        } catch (MongoException e) {
            warn("collection " + section + " was created without its options " + options.toJson() + ": " + e.getMessage());
            database.createCollection(name);
        }
    }

    @Override
    public void item(byte[] bytes) {
        batch.add(new RawBsonDocument(bytes));
        batchBytes += bytes.length;
        if (batch.size() >= MAX_BATCH_DOCUMENTS || batchBytes >= MAX_BATCH_BYTES) {
            flush();
        }
    }

    @Override
    public void sectionEnd(SectionSummary summary) {
        flush();
        Section done = section;
        section = null;
        if (!done.indexes().isEmpty()) {
            // after the data: one pass over it for all the indexes, instead of an index update per document
            writes.submit(() -> {
                ParallelWrites.awaitAll(done.writes());
                buildIndexes(done);
            });
        }
    }

    /**
     * All of a collection's indexes in one {@code createIndexes} command: the server builds them in one pass over the
     * data (a command per index scans the collection once per index). When that command fails, the indexes are
     * built one by one, so that the ones that can be built are, and a warning names each one that cannot.
     */
    private void buildIndexes(Section section) {
        try {
            section.database().runCommand(new Document("createIndexes", section.collectionName())
                    .append("indexes", section.indexes()));
            return;
        } catch (MongoException e) {
            if (section.indexes().size() == 1) {
                Document spec = section.indexes().get(0);
                warn("index " + spec.getString("name") + " of " + section.name() + " was not created: " + e.getMessage());
                return;
            }
        }
        for (Document spec : section.indexes()) {
            try {
                section.database().runCommand(new Document("createIndexes", section.collectionName())
                        .append("indexes", List.of(spec)));
            } catch (MongoException e) {
                warn("index " + spec.getString("name") + " of " + section.name() + " was not created: " + e.getMessage());
            }
        }
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<RawBsonDocument> documents = batch;
        Section target = section;
        batch = new ArrayList<>();
        batchBytes = 0;
        target.writes().add(writes.submit(() -> {
            write(target, documents);
            synchronized (restored) {
                restored.merge(target.name(), (long) documents.size(), Long::sum);
            }
        }));
    }

    private void write(Section target, List<RawBsonDocument> documents) {
        Remote.run("writing " + documents.size() + " documents to " + target.name() + " on " + server, () -> {
            if (target.createdByThisRestore()) {
                target.collection().insertMany(documents, new InsertManyOptions().ordered(false));
            } else {
                List<ReplaceOneModel<RawBsonDocument>> upserts = new ArrayList<>(documents.size());
                documents.forEach(d -> upserts.add(new ReplaceOneModel<>(Filters.eq("_id", d.get("_id")), d, UPSERT)));
                target.collection().bulkWrite(upserts, new BulkWriteOptions().ordered(false));
            }
        });
    }

    private void warn(String warning) {
        synchronized (warnings) {
            warnings.add(warning);
        }
    }

    @Override
    public StoreOperations.RestoreResult result() {
        try {
            writes.await();
        } finally {
            writes.close();
        }
        synchronized (restored) {
            synchronized (warnings) {
                return new StoreOperations.RestoreResult(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(restored)),
                        0, List.copyOf(warnings));
            }
        }
    }

    @Override
    public void close() {
        writes.close();
    }
}
