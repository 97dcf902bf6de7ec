package io.devflow.dr.replication.mongodb;

import io.devflow.dr.store.mongodb.MongoChange;
import org.bson.RawBsonDocument;

/**
 * A source change of one record beside what the target holds for it: a conflict to describe, or a change
 * of a record an open conflict holds.
 *
 * @param digest the change's document digest; null for a deletion
 * @param existing the target's document; null when the target has none
 */
public record RecordChange(MongoChange change, String digest, RawBsonDocument existing, String existingDigest) {
}
