package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A change the target refused for a reason retrying cannot fix (a document the target's validation or
 * unique index rejects, say). Kept with the change so that nothing is lost; replication goes on.
 *
 * @param change the source version that could not be written, in the store's lossless JSON form
 */
public record ReplicationFailure(String id, String store, String source, String target, ConflictRecord record,
                                 Instant at, String error, JsonNode change) {
}
