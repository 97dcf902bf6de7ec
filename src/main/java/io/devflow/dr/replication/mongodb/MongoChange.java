package io.devflow.dr.replication.mongodb;

import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.time.Instant;

/**
 * One change to replicate: the record's whole new version, or its deletion.
 *
 * @param document the document as the source holds it now; null when it was deleted
 * @param clusterTime the source's operation time of the change (for snapshot copies, the sync's start)
 * @param wallTime the source's wall-clock time of the change, when the server reports one
 * @param token the change stream resume token; null for snapshot copies
 */
record MongoChange(String namespace, BsonValue id, RawBsonDocument document, BsonTimestamp clusterTime,
                   Instant wallTime, BsonDocument token) {

    boolean deleted() {
        return document == null;
    }

    /** When the change happened at the source, as precisely as the server says. */
    Instant sourceTime() {
        return wallTime != null ? wallTime : Instant.ofEpochSecond(clusterTime.getTime());
    }

    String database() {
        return namespace.substring(0, namespace.indexOf('.'));
    }

    String collection() {
        return namespace.substring(namespace.indexOf('.') + 1);
    }
}
