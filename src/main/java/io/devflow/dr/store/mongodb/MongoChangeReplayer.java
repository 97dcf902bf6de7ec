package io.devflow.dr.store.mongodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Replays incremental segments onto a restored full backup, in order, up to a cut-off instant. Every
 * operation is idempotent (inserts and replacements upsert the whole document, updates set the recorded
 * field values, deletes delete), so replaying from before the full backup's copy finished converges to the
 * state at the cut-off. Events at or before the position the full backup started from are skipped.
 *
 * <p>Time resolution: an event's wall-clock time when the server records it (milliseconds), otherwise its
 * cluster time (seconds; events in the same second as the cut-off count as before it).
 */
public final class MongoChangeReplayer implements StoreOperations.Restorer {

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoClient client;
    private final String server;
    private final UnaryOperator<String> databaseMapping;
    private final Instant cutoff;
    private final Map<String, ChangePosition> after;
    private final Map<String, Long> written = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private long skipped;

    /**
     * @param cutoff replay nothing after this instant; null to replay everything
     * @param after per collection, the position the target already reflects; empty to replay everything
     */
    public MongoChangeReplayer(MongoClient client, String server, UnaryOperator<String> databaseMapping, Instant cutoff,
                               Map<String, ChangePosition> after) {
        this.client = client;
        this.server = server;
        this.databaseMapping = databaseMapping;
        this.cutoff = cutoff;
        this.after = Map.copyOf(after);
    }

    @Override
    public void sectionStart(String name, ObjectNode metadata) {
        if (!MongoChangeSource.SECTION.equals(name)) {
            throw new IllegalStateException("not an incremental MongoDB segment: section " + name);
        }
    }

    @Override
    public void item(byte[] bytes) {
        RawBsonDocument event = new RawBsonDocument(bytes);
        String namespace = event.getString("ns").getValue();
        BsonTimestamp ts = event.getTimestamp("ts");
        ChangePosition covered = ChangePosition.of(after, namespace);
        if ((covered != null && !ChangePosition.at(ts).isAfter(covered)) || afterCutoff(event, ts)) {
            skipped++;
            return;
        }
        int dot = namespace.indexOf('.');
        String database = databaseMapping.apply(namespace.substring(0, dot));
        String collectionName = namespace.substring(dot + 1);
        MongoCollection<BsonDocument> collection = client.getDatabase(database).getCollection(collectionName, BsonDocument.class);
        String op = event.getString("op").getValue();
        BsonValue id = event.containsKey("key") ? event.getDocument("key").get("_id") : null;
        String target = database + "." + collectionName;
        if (id == null && !"drop".equals(op)) {
            // Never write without an _id (an upsert would create a stray document). Only servers whose events
            // lack document keys get here, for a document that was gone by the time the event was read; the
            // later delete event settles its final state.
            warnings.add("skipped a '" + op + "' event on " + target + " without a document key");
            skipped++;
            return;
        }
        Remote.run("replaying a " + op + " on " + target + " on " + server, () -> apply(collection, op, id, event, target));
        written.merge(target, 1L, Long::sum);
    }

    private void apply(MongoCollection<BsonDocument> collection, String op, BsonValue id, RawBsonDocument event, String target) {
        switch (op) {
            case "insert", "replace" -> collection.replaceOne(Filters.eq("_id", id), event.getDocument("doc"), UPSERT);
            case "update" -> {
                if (event.containsKey("upd")) {
                    BsonDocument upd = event.getDocument("upd");
                    BsonDocument update = new BsonDocument();
                    if (upd.containsKey("set") && !upd.getDocument("set").isEmpty()) {
                        update.put("$set", upd.getDocument("set"));
                    }
                    if (upd.containsKey("unset") && !upd.getArray("unset").isEmpty()) {
                        BsonDocument unset = new BsonDocument();
                        for (BsonValue field : upd.getArray("unset")) {
                            unset.put(field.asString().getValue(), new org.bson.BsonString(""));
                        }
                        update.put("$unset", unset);
                    }
                    if (!update.isEmpty()) {
                        collection.updateOne(Filters.eq("_id", id), update);
                    }
                } else if (event.containsKey("doc")) {
                    // Servers without update descriptions send the document as it was when the event was read.
                    collection.replaceOne(Filters.eq("_id", id), event.getDocument("doc"), UPSERT);
                }
            }
            case "delete" -> collection.deleteOne(Filters.eq("_id", id));
            case "drop" -> collection.drop();
            default -> warnings.add("skipped a '" + op + "' event on " + target + " (not replayable)");
        }
    }

    private boolean afterCutoff(RawBsonDocument event, BsonTimestamp ts) {
        if (cutoff == null) {
            return false;
        }
        if (event.containsKey("wall") && event.get("wall") instanceof BsonDateTime wall) {
            return wall.getValue() > cutoff.toEpochMilli();
        }
        return ts.getTime() > cutoff.getEpochSecond();
    }

    @Override
    public void sectionEnd(SectionSummary summary) {
        // every event was applied as it was read
    }

    @Override
    public StoreOperations.RestoreResult result() {
        return new StoreOperations.RestoreResult(Map.copyOf(written), skipped, List.copyOf(warnings));
    }

}
