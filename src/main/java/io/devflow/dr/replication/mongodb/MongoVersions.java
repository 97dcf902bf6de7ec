package io.devflow.dr.replication.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The version of every record replication wrote into a region, kept in that region's MongoDB, in the
 * metadata database's {@code versions} collection: {@code {_id: "<db.collection> <_id as JSON>", h: digest or
 * null when deleted, t: source time, o: region it came from, c: open conflict id}}. A target record whose
 * digest differs from its version here was changed by someone else since replication last wrote it.
 * Versions are written after the documents they describe: after a crash between the two, the replayed
 * change finds the target already equal to it and only records the version. While a batch rewrites records
 * the target has (delete, then insert), an in-flight document {@code {_id: "in-flight <db.collection>", ids:
 * [...]}} names them: a replay after a failure between the two steps finds them missing and knows why.
 */
final class MongoVersions {

    static final String COLLECTION = "versions";

    /** @param digest null when replication deleted the record */
    record Version(String digest, Instant time, String origin, String conflict) {
    }

    private final MongoCollection<BsonDocument> collection;

    MongoVersions(MongoClient client, String database) {
        this.collection = client.getDatabase(database).getCollection(COLLECTION, BsonDocument.class);
    }

    static String id(String namespace, String key) {
        return namespace + " " + key;
    }

    private static BsonString inFlightId(String namespace) {
        return new BsonString("in-flight " + namespace);
    }

    /** Records that the batch about to be written deletes these records (by {@link #id}) and inserts them again. */
    void markInFlight(String namespace, Collection<String> ids) {
        BsonArray list = new BsonArray(ids.stream().map(i -> (BsonValue) new BsonString(i)).toList());
        collection.replaceOne(Filters.eq("_id", inFlightId(namespace)),
                new BsonDocument("_id", inFlightId(namespace)).append("ids", list), new ReplaceOptions().upsert(true));
    }

    /** The records a write to this collection was rewriting when it was cut off (empty when none was). */
    Set<String> inFlight(String namespace) {
        BsonDocument marker = collection.find(Filters.eq("_id", inFlightId(namespace))).first();
        if (marker == null) {
            return Set.of();
        }
        return marker.getArray("ids").stream().map(v -> v.asString().getValue()).collect(Collectors.toSet());
    }

    /** The batch's rewrite is complete. */
    void clearInFlight(String namespace) {
        collection.deleteOne(Filters.eq("_id", inFlightId(namespace)));
    }

    /** The versions of the given records (by {@link #id}) that have one. */
    Map<String, Version> find(Collection<String> ids) {
        Map<String, Version> versions = new HashMap<>();
        if (ids.isEmpty()) {
            return versions;
        }
        List<BsonValue> keys = ids.stream().map(i -> (BsonValue) new BsonString(i)).toList();
        for (BsonDocument d : collection.find(Filters.in("_id", keys))) {
            BsonValue h = d.get("h");
            BsonValue c = d.get("c");
            BsonValue o = d.get("o");
            versions.put(d.getString("_id").getValue(), new Version(
                    h == null || h.isNull() ? null : h.asString().getValue(),
                    d.containsKey("t") ? Instant.ofEpochMilli(d.getDateTime("t").getValue()) : null,
                    o == null || o.isNull() ? null : o.asString().getValue(),
                    c == null || c.isNull() ? null : c.asString().getValue()));
        }
        return versions;
    }

    Version find(String id) {
        return find(List.of(id)).get(id);
    }

    static BsonDocument record(String id, String digest, Instant time, String origin, String conflict) {
        BsonDocument version = new BsonDocument("_id", new BsonString(id))
                .append("h", digest == null ? BsonNull.VALUE : new BsonString(digest))
                .append("t", new BsonDateTime(time.toEpochMilli()))
                .append("o", new BsonString(origin));
        if (conflict != null) {
            version.append("c", new BsonString(conflict));
        }
        return version;
    }

    /** Replaces the versions of these records, whether or not they have one. */
    void replace(List<BsonDocument> records) {
        write(records, records.stream().map(r -> r.getString("_id").getValue()).collect(Collectors.toSet()));
    }

    /**
     * Writes the versions of these records, replacing those in {@code existing} (two commands at most,
     * whatever their number).
     */
    void write(List<BsonDocument> records, Set<String> existing) {
        if (records.isEmpty()) {
            return;
        }
        List<BsonValue> replaced = records.stream().map(r -> r.get("_id"))
                .filter(id -> existing.contains(id.asString().getValue())).toList();
        if (!replaced.isEmpty()) {
            collection.deleteMany(Filters.in("_id", replaced));
        }
        collection.insertMany(records, new InsertManyOptions().ordered(false));
    }
}
