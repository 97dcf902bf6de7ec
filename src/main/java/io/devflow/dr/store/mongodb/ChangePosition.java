package io.devflow.dr.store.mongodb;

import com.mongodb.MongoClientException;
import com.mongodb.MongoCommandException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Sorts;
import io.devflow.dr.support.Remote;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A point in a MongoDB change stream: every change up to and including the operation at {@code time} is
 * covered. With the event's resume token when there is one (exact, also inside a transaction whose changes
 * share a cluster time); otherwise the position is resumed by operation time.
 *
 * <p>Encoded in manifests as {@code <seconds>.<increment>} or {@code <seconds>.<increment>:<resume token JSON>}.
 */
public record ChangePosition(BsonTimestamp time, BsonDocument token) implements Comparable<ChangePosition> {

    /** The key under which a full backup records one position for every collection. */
    public static final String ALL_STREAMS = "*";

    /**
     * Servers that refused {@code hello} (before 4.4.2, and mongo-java-server, which logs every refusal as an
     * error): asked with {@code isMaster} only from then on.
     */
    private static final Set<String> WITHOUT_HELLO = ConcurrentHashMap.newKeySet();

    public ChangePosition {
        Objects.requireNonNull(time, "time");
    }

    public static ChangePosition at(BsonTimestamp time) {
        return new ChangePosition(time, null);
    }

    /**
     * The server's current position: on a replica set member, the newest operation a majority has applied
     * (change streams return only those, so a position past it could pass over writes still on their way);
     * else the session's operation time after a read; else the newest oplog entry (servers that report
     * neither).
     */
    public static ChangePosition current(MongoClient client, String server) {
        return Remote.execute("reading the current oplog position of " + server, () -> {
            BsonTimestamp majority = majorityOpTime(client, server);
            if (majority != null) {
                return at(majority);
            }
            BsonTimestamp operationTime = sessionOperationTime(client);
            if (operationTime != null) {
                return at(operationTime);
            }
            // Only servers without operation times get here (replica sets report them); some of those do not
            // honour a $natural sort on the oplog, so sort by the operation time itself.
            Document newest = client.getDatabase("local").getCollection("oplog.rs").find()
                    .sort(Sorts.descending("ts")).limit(1).first();
            if (newest == null || !(newest.get("ts") instanceof BsonTimestamp ts)) {
                throw new IllegalStateException(server + " has no oplog: incremental backups and point-in-time "
                        + "recovery need a replica set (change streams)");
            }
            return at(ts);
        });
    }

    private static BsonTimestamp majorityOpTime(MongoClient client, String server) {
        if (!WITHOUT_HELLO.contains(server)) {
            try {
                return majorityOpTime(client.getDatabase("admin").runCommand(new Document("hello", 1)));
            } catch (MongoCommandException e) {
                WITHOUT_HELLO.add(server);
            }
        }
        try {
            return majorityOpTime(client.getDatabase("admin").runCommand(new Document("isMaster", 1)));
        } catch (MongoCommandException e) {
            return null;
        }
    }

    /** {@code lastWrite.majorityOpTime.ts} of a hello reply; null when the server is no replica set member. */
    static BsonTimestamp majorityOpTime(Document hello) {
        if (hello.get("lastWrite") instanceof Document lastWrite && lastWrite.get("majorityOpTime") instanceof Document opTime
                && opTime.get("ts") instanceof BsonTimestamp ts) {
            return ts;
        }
        return null;
    }

    private static BsonTimestamp sessionOperationTime(MongoClient client) {
        try (ClientSession session = client.startSession()) {
            client.getDatabase("admin").runCommand(session, new Document("ping", 1));
            return session.getOperationTime();
        } catch (MongoClientException | MongoCommandException e) {
            // no sessions or no operation times on this server: read the oplog instead
            return null;
        }
    }

    /** The operation time to start a stream at so that it yields exactly the changes after this position. */
    public BsonTimestamp next() {
        return new BsonTimestamp(time.getTime(), time.getInc() + 1);
    }

    public boolean isAfter(ChangePosition other) {
        return compareTo(other) > 0;
    }

    public String encode() {
        String ts = time.getTime() + "." + time.getInc();
        return token == null ? ts : ts + ":" + token.toJson();
    }

    public static ChangePosition decode(String text) {
        int colon = text.indexOf(':');
        String ts = colon < 0 ? text : text.substring(0, colon);
        int dot = ts.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("not a change position: " + text);
        }
        BsonTimestamp time = new BsonTimestamp(Integer.parseInt(ts.substring(0, dot)), Integer.parseInt(ts.substring(dot + 1)));
        return new ChangePosition(time, colon < 0 ? null : BsonDocument.parse(text.substring(colon + 1)));
    }

    public static Map<String, ChangePosition> decodeAll(Map<String, String> encoded) {
        Map<String, ChangePosition> result = new LinkedHashMap<>();
        encoded.forEach((stream, text) -> result.put(stream, decode(text)));
        return result;
    }

    /** The position of a collection in a map of positions: its own, or the one recorded for all streams. */
    public static ChangePosition of(Map<String, ChangePosition> positions, String namespace) {
        ChangePosition own = positions.get(namespace);
        return own != null ? own : positions.get(ALL_STREAMS);
    }

    @Override
    public int compareTo(ChangePosition other) {
        return time.compareTo(other.time);
    }
}
