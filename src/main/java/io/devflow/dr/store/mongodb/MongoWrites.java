package io.devflow.dr.store.mongodb;

import org.bson.BsonDocument;

import java.util.List;
import java.util.Set;

/**
 * What replication writes into one collection of a target for one batch: the documents, then their versions.
 * Records are named as {@link MongoVersions#id} names them.
 *
 * @param changes the changes the target does not hold yet, each record once, in the order they are written
 * @param present the batch's records the target holds now (a rewrite deletes them first)
 * @param stillInterrupted records an earlier rewrite was cut off in that this batch does not write: they stay
 *                         in the in-flight marker for the batches that will
 * @param wasInterrupted whether the collection's in-flight marker named any record when the batch was read
 * @param versions the versions of the batch's records, written once their documents are
 * @param versionsPresent the records that have a version already
 */
public record MongoWrites(String namespace, List<MongoChange> changes, Set<String> present,
                          Set<String> stillInterrupted, boolean wasInterrupted, List<BsonDocument> versions,
                          Set<String> versionsPresent) {

    public MongoWrites {
        changes = List.copyOf(changes);
        present = Set.copyOf(present);
        stillInterrupted = Set.copyOf(stillInterrupted);
        versions = List.copyOf(versions);
        versionsPresent = Set.copyOf(versionsPresent);
    }
}
