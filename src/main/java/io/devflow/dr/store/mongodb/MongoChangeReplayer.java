package io.devflow.dr.store.mongodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonString;
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
 * operation is idempotent (a whole document is written as delete-then-insert, an update truncates the
 * recorded arrays and sets the recorded field values, a delete deletes), so replaying from before the full backup's copy finished converges to the
 * state at the cut-off, with every document exactly as the source wrote it, field order included. Events at
 * or before the position the full backup started from are skipped. Writes go in ordered bulk batches per
 * collection, which keeps each collection's order.
 *
 * <p>Time resolution: an event's wall-clock time when the server records it (milliseconds), otherwise its
 * cluster time (seconds; events in the same second as the cut-off count as before it).
 */
public final class MongoChangeReplayer implements StoreOperations.Restorer {

    private static final int BATCH = 500;
    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);

    private final MongoClient client;
    private final String server;
    private final UnaryOperator<String> databaseMapping;
    private final Instant cutoff;
    private final Map<String, ChangePosition> after;
    private final Map<String, List<WriteModel<BsonDocument>>> pending = new LinkedHashMap<>();
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
        String target = databaseMapping.apply(namespace.substring(0, dot)) + namespace.substring(dot);
        String op = event.getString("op").getValue();
        if ("drop".equals(op)) {
            flush(target);
            Remote.run("dropping " + target + " on " + server, () -> collection(target).drop());
            return;
        }
        BsonValue id = event.containsKey("key") ? event.getDocument("key").get("_id") : null;
        if (id == null) {
            // Never write without an _id (an upsert would create a stray document). Only servers whose events
            // lack document keys get here, for a document that was gone by the time the event was read; the
            // later delete event settles its final state.
            warnings.add("skipped a '" + op + "' event on " + target + " without a document key");
            skipped++;
            return;
        }
        List<WriteModel<BsonDocument>> batch = pending.computeIfAbsent(target, t -> new ArrayList<>());
        if (!models(op, id, event, batch)) {
            warnings.add("skipped a '" + op + "' event on " + target + " (not replayable)");
            skipped++;
            return;
        }
        written.merge(target, 1L, Long::sum);
        if (batch.size() >= BATCH) {
            flush(target);
        }
    }

    /** Adds the writes that replay one event; false when the event cannot be replayed. */
    private static boolean models(String op, BsonValue id, RawBsonDocument event, List<WriteModel<BsonDocument>> batch) {
        switch (op) {
            case "insert", "replace" -> {
                if (!event.containsKey("doc")) {
                    return false;
                }
                writeWhole(id, event.getDocument("doc"), batch);
                return true;
            }
            case "update" -> {
                if (event.containsKey("upd")) {
                    // arrays first, as the server did: a truncation and a set inside the array cannot share an update
                    for (BsonValue truncation : event.getDocument("upd").getArray("trunc", new BsonArray())) {
                        BsonDocument t = truncation.asDocument();
                        batch.add(new UpdateOneModel<>(Filters.eq("_id", id), new BsonDocument("$push",
                                new BsonDocument(t.getString("f").getValue(), new BsonDocument("$each", new BsonArray())
                                        .append("$slice", t.get("n"))))));
                    }
                    BsonDocument update = update(event.getDocument("upd"));
                    if (!update.isEmpty()) {
                        batch.add(new UpdateOneModel<>(Filters.eq("_id", id), update));
                    }
                    return true;
                }
                // Servers without update descriptions send the document as it was when the event was read.
                if (!event.containsKey("doc")) {
                    return false;
                }
                writeWhole(id, event.getDocument("doc"), batch);
                return true;
            }
            case "delete" -> {
                batch.add(new DeleteOneModel<>(Filters.eq("_id", id)));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** Delete-then-insert rather than replace: a replacement keeps the old field positions on some servers. */
    private static void writeWhole(BsonValue id, BsonDocument document, List<WriteModel<BsonDocument>> batch) {
        batch.add(new DeleteOneModel<>(Filters.eq("_id", id)));
        batch.add(new InsertOneModel<>(document));
    }

    private static BsonDocument update(BsonDocument upd) {
        BsonDocument update = new BsonDocument();
        if (upd.containsKey("set") && !upd.getDocument("set").isEmpty()) {
            update.put("$set", upd.getDocument("set"));
        }
        if (upd.containsKey("unset") && !upd.getArray("unset").isEmpty()) {
            BsonDocument unset = new BsonDocument();
            for (BsonValue field : upd.getArray("unset")) {
                unset.put(field.asString().getValue(), new BsonString(""));
            }
            update.put("$unset", unset);
        }
        return update;
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

    private MongoCollection<BsonDocument> collection(String target) {
        int dot = target.indexOf('.');
        return client.getDatabase(target.substring(0, dot)).getCollection(target.substring(dot + 1), BsonDocument.class);
    }

    private void flush(String target) {
        List<WriteModel<BsonDocument>> batch = pending.remove(target);
        if (batch == null || batch.isEmpty()) {
            return;
        }
        Remote.run("replaying " + batch.size() + " writes on " + target + " on " + server,
                () -> collection(target).bulkWrite(batch, ORDERED));
    }

    @Override
    public void sectionEnd(SectionSummary summary) {
        new ArrayList<>(pending.keySet()).forEach(this::flush);
    }

    @Override
    public StoreOperations.RestoreResult result() {
        return new StoreOperations.RestoreResult(Map.copyOf(written), skipped, List.copyOf(warnings));
    }
}
