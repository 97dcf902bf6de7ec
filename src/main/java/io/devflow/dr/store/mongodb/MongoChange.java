package io.devflow.dr.store.mongodb;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
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
public record MongoChange(String namespace, BsonValue id, RawBsonDocument document, BsonTimestamp clusterTime,
                          Instant wallTime, BsonDocument token) {

    /** A document as a snapshot copy read it, at the position the copy started from. */
    public static MongoChange copied(String namespace, RawBsonDocument document, BsonTimestamp start) {
        return new MongoChange(namespace, document.get("_id"), document, start, null, null);
    }

    /**
     * The change a change-stream event carries, or null for events that carry none: a document looked up after
     * it was deleted (its deletion follows in the stream), or a collection-level event.
     */
    public static MongoChange of(String namespace, ChangeStreamDocument<RawBsonDocument> event) {
        String op = event.getOperationTypeString();
        Instant wall = event.getWallTime() == null ? null : Instant.ofEpochMilli(event.getWallTime().getValue());
        BsonValue id = event.getDocumentKey() != null && event.getDocumentKey().containsKey("_id")
                ? event.getDocumentKey().get("_id") : null;
        switch (op == null ? "" : op) {
            case "delete" -> {
                return id == null ? null
                        : new MongoChange(namespace, id, null, event.getClusterTime(), wall, event.getResumeToken());
            }
            case "insert", "update", "replace" -> {
                RawBsonDocument document = event.getFullDocument();
                if (document == null || !document.containsKey("_id")) {
                    return null;
                }
                BsonValue documentId = document.get("_id");
                if (id != null && !id.equals(documentId)) {
                    return null;
                }
                return new MongoChange(namespace, documentId, document, event.getClusterTime(), wall,
                        event.getResumeToken());
            }
            default -> {
                return null;
            }
        }
    }

    public boolean deleted() {
        return document == null;
    }

    /** When the change happened at the source, as precisely as the server says. */
    public Instant sourceTime() {
        return wallTime != null ? wallTime : Instant.ofEpochSecond(clusterTime.getTime());
    }
}
