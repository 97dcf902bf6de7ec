package io.devflow.dr.store.mongodb;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOptions;
import io.devflow.dr.support.Failures;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes replicated changes into a target MongoDB, one collection's part of a batch at a time, so that each
 * copy is byte for byte the source's document: one delete of the records the target has and one ordered insert
 * of the new versions (a replace may keep the old document's field order on some servers), in two commands
 * whatever the batch's size. An in-flight marker in the versions collection names the records being rewritten,
 * so a replay after a failure between the two commands tells its own deletions from the target's. If the target
 * refuses a document, the changes are written one by one, so that a document it refuses for good is reported
 * instead of stopping replication. Versions are written after the documents: a replay finds written records
 * already equal and only records their version.
 */
public final class MongoTargetWriter {

    private static final Logger LOG = LoggerFactory.getLogger(MongoTargetWriter.class);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    /** A change the target refused for a reason writing it again cannot fix (its validation, a unique index). */
    public record Refused(MongoChange change, String error) {
    }

    private final MongoClient target;
    private final MongoVersions versions;

    public MongoTargetWriter(MongoClient target, MongoVersions versions) {
        this.target = target;
        this.versions = versions;
    }

    /** Writes the documents, then the versions of every record the target did not refuse. */
    public List<Refused> write(MongoWrites writes) {
        List<Refused> refused = writeDocuments(writes);
        Set<String> refusedIds = refused.stream()
                .map(r -> MongoVersions.id(writes.namespace(), MongoJson.key(r.change().id())))
                .collect(Collectors.toSet());
        versions.write(writes.versions().stream()
                .filter(v -> !refusedIds.contains(v.getString("_id").getValue())).toList(), writes.versionsPresent());
        return refused;
    }

    private List<Refused> writeDocuments(MongoWrites writes) {
        String namespace = writes.namespace();
        if (writes.changes().isEmpty()) {
            finishInFlight(writes, writes.wasInterrupted());
            return List.of();
        }
        MongoCollection<BsonDocument> collection = collection(namespace);
        List<String> rewritten = new ArrayList<>();
        List<BsonValue> ids = new ArrayList<>();
        for (MongoChange change : writes.changes()) {
            String versionId = MongoVersions.id(namespace, MongoJson.key(change.id()));
            if (writes.present().contains(versionId)) {
                rewritten.add(versionId);
                ids.add(change.id());
            }
        }
        List<BsonDocument> documents = writes.changes().stream().filter(c -> !c.deleted())
                .map(c -> (BsonDocument) c.document()).toList();
        boolean marked = writes.wasInterrupted() || !ids.isEmpty();
        try {
            if (!ids.isEmpty()) {
                rewritten.addAll(writes.stillInterrupted());
                versions.markInFlight(namespace, rewritten);
                collection.deleteMany(Filters.in("_id", ids));
            }
            if (!documents.isEmpty()) {
                collection.insertMany(documents, new InsertManyOptions().ordered(true));
            }
            finishInFlight(writes, marked);
            return List.of();
        } catch (MongoBulkWriteException e) {
            LOG.warn("{}: a batch of {} changes was refused ({}); writing them one by one", namespace,
                    writes.changes().size(), Failures.describe(e));
        }
        List<Refused> refused = new ArrayList<>();
        for (MongoChange change : writes.changes()) {
            try {
                if (change.deleted()) {
                    collection.deleteOne(Filters.eq("_id", change.id()));
                } else {
                    collection.replaceOne(Filters.eq("_id", change.id()), change.document(), UPSERT);
                }
            } catch (MongoWriteException e) {
                refused.add(new Refused(change, Failures.describe(e)));
            }
        }
        finishInFlight(writes, marked);
        return refused;
    }

    /** After a batch's writes: the in-flight marker keeps only what an earlier cut-off rewrite still owes. */
    private void finishInFlight(MongoWrites writes, boolean marked) {
        if (!marked) {
            return;
        }
        if (writes.stillInterrupted().isEmpty()) {
            versions.clearInFlight(writes.namespace());
        } else {
            versions.markInFlight(writes.namespace(), writes.stillInterrupted());
        }
    }

    private MongoCollection<BsonDocument> collection(String namespace) {
        int dot = namespace.indexOf('.');
        return target.getDatabase(namespace.substring(0, dot)).getCollection(namespace.substring(dot + 1), BsonDocument.class);
    }
}
