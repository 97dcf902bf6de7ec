package io.devflow.dr.replication.mongodb;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.ChangeBatch;
import io.devflow.dr.store.mongodb.MongoChange;

import java.util.List;

/**
 * What the {@code read-changes} step read at a direction's source: documents of the initial sync's copy, or
 * the change streams' next changes.
 *
 * @param changes in the order read; a record may change more than once
 * @param superseded events read that carry no change of their own (a document changed and deleted since: its
 *                   deletion follows in the stream and stands for both)
 * @param copying whether the changes are the initial sync's copy
 * @param reached where the direction stands once the changes are handled (counts not yet added)
 */
public record MongoChanges(Direction direction, List<MongoChange> changes, int superseded, boolean copying,
                           MongoCheckpoint reached, boolean more) implements ChangeBatch {

    public MongoChanges {
        changes = List.copyOf(changes);
    }

    @Override
    public int size() {
        return changes.size();
    }
}
