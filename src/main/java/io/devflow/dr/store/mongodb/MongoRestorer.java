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
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.support.Remote;
import org.bson.Document;
import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes an archive's collections into a MongoDB: creates each collection and its indexes, then writes the
 * documents in batches: bulk inserts into a collection this restore created, upserts by {@code _id} into
 * one that existed. Re-running an interrupted restore therefore completes it without duplicates.
 */
public final class MongoRestorer implements StoreOperations.Restorer {

    private static final int MAX_BATCH_DOCUMENTS = 1_000;
    private static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoClient client;
    private final String server;
    private final UnaryOperator<String> databaseMapping;
    private final List<RawBsonDocument> batch = new ArrayList<>();
    private final Map<String, Long> restored = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private MongoCollection<RawBsonDocument> collection;
    private String section;
    private boolean createdByThisRestore;
    private int batchBytes;

    /**
     * @param databaseMapping source database name to target database name
     */
    public MongoRestorer(MongoClient client, String server, UnaryOperator<String> databaseMapping) {
        this.client = client;
        this.server = server;
        this.databaseMapping = databaseMapping;
    }

    @Override
    public void sectionStart(String name, ObjectNode metadata) {
        String targetDatabase = databaseMapping.apply(metadata.path("database").asText());
        String collectionName = metadata.path("collection").asText();
        section = MongoSections.name(targetDatabase, collectionName);
        MongoDatabase database = client.getDatabase(targetDatabase);
        createdByThisRestore = Remote.execute("creating " + section + " on " + server, () -> {
            boolean exists = database.listCollectionNames().into(new ArrayList<>()).contains(collectionName);
            if (!exists) {
                createCollection(database, collectionName, Document.parse(metadata.path("options").asText("{}")));
            }
            return !exists;
        });
        for (var index : metadata.path("indexes")) {
            Document spec = Document.parse(index.asText());
            if ("_id_".equals(spec.getString("name"))) {
                continue;
            }
            spec.remove("ns");
            try {
                database.runCommand(new Document("createIndexes", collectionName).append("indexes", List.of(spec)));
            } catch (MongoException e) {
                warnings.add("index " + spec.getString("name") + " of " + section + " was not created: " + e.getMessage());
            }
        }
        collection = database.getCollection(collectionName, RawBsonDocument.class);
        restored.put(section, 0L);
    }

    private void createCollection(MongoDatabase database, String name, Document options) {
        if (options.isEmpty()) {
            database.createCollection(name);
            return;
        }
        Document create = new Document("create", name);
        create.putAll(options);
        try {
            database.runCommand(create);
        } catch (MongoException e) {
            warnings.add("collection " + section + " was created without its options " + options.toJson()
                    + ": " + e.getMessage());
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
        collection = null;
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        int size = batch.size();
        Remote.run("writing " + size + " documents to " + section + " on " + server, () -> {
            if (createdByThisRestore) {
                collection.insertMany(batch, new InsertManyOptions().ordered(false));
            } else {
                List<ReplaceOneModel<RawBsonDocument>> upserts = new ArrayList<>(batch.size());
                batch.forEach(d -> upserts.add(new ReplaceOneModel<>(Filters.eq("_id", d.get("_id")), d, UPSERT)));
                collection.bulkWrite(upserts, new BulkWriteOptions().ordered(false));
            }
        });
        restored.merge(section, (long) size, Long::sum);
        batch.clear();
        batchBytes = 0;
    }

    @Override
    public StoreOperations.RestoreResult result() {
        return new StoreOperations.RestoreResult(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(restored)),
                0, List.copyOf(warnings));
    }
}
