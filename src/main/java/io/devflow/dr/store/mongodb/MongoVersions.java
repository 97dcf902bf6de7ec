package io.devflow.dr.store.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
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
 * null when deleted, t: source time, o: region it came from, c: open conflict id, d: when replication
 * deleted the record here (tombstones only)}}. A target record whose digest differs from its version here
 * was changed by someone else since replication last wrote it.
 * Versions are written after the documents they describe: after a crash between the two, the replayed
 * change finds the target already equal to it and only records the version. While a batch rewrites records
 * the target has (delete, then insert), an in-flight document {@code {_id: "in-flight <db.collection>", ids:
 * [...]}} names them: a replay after a failure between the two steps finds them missing and knows why.
 *
 * <p>A tombstone (the version of a record replication deleted) tells the deletion's echo from a change; a
 * missing version says the same as a tombstone about the target (a record there now was written by someone
 * else), so tombstones are collected once their echo is long past ({@link #collectTombstones}), through a
 * sparse index on {@code d} that holds them alone.
 */
public final class MongoVersions {

    private static final String COLLECTION = "versions";
    private static final String TOMBSTONE_INDEX = "tombstones";

    /** @param digest null when replication deleted the record */
    public record Version(String digest, Instant time, String origin, String conflict) {
    }

    private final MongoCollection<BsonDocument> collection;

    public MongoVersions(MongoClient client, String database) {
        this.collection = client.getDatabase(database).getCollection(COLLECTION, BsonDocument.class);
    }

    public static String id(String namespace, String key) {
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
    public Set<String> inFlight(String namespace) {
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
    public Map<String, Version> find(Collection<String> ids) {
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

    public Version find(String id) {
        return find(List.of(id)).get(id);
    }

    /** A version written at {@code time} (a settled conflict's, whose time is the settling's). */
    public static BsonDocument record(String id, String digest, Instant time, String origin, String conflict) {
        return record(id, digest, time, origin, conflict, time);
    }

    /**
     * @param time the change's time at the source
     * @param writtenAt now: a tombstone is kept for a time from when it was written
     */
    public static BsonDocument record(String id, String digest, Instant time, String origin, String conflict, Instant writtenAt) {
        BsonDocument version = new BsonDocument("_id", new BsonString(id))
                .append("h", digest == null ? BsonNull.VALUE : new BsonString(digest))
                .append("t", new BsonDateTime(time.toEpochMilli()))
                .append("o", new BsonString(origin));
        if (digest == null) {
            version.append("d", new BsonDateTime(writtenAt.toEpochMilli()));
        }
        if (conflict != null) {
            version.append("c", new BsonString(conflict));
        }
        return version;
    }

    /**
     * Deletes the tombstones of records deleted before {@code before}, except those an open conflict holds.
     *
     * @return how many were deleted
     */
    public long collectTombstones(Instant before) {
        collection.createIndex(Indexes.ascending("d"), new IndexOptions().sparse(true).name(TOMBSTONE_INDEX));
        return collection.deleteMany(Filters.and(Filters.lt("d", new BsonDateTime(before.toEpochMilli())),
                Filters.exists("c", false))).getDeletedCount();
    }

    /** Replaces the versions of these records, whether or not they have one. */
    public void replace(List<BsonDocument> records) {
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
