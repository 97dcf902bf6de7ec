package io.devflow.dr.replication.mongodb;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.ChangeBatch;
import io.devflow.dr.store.mongodb.MongoVersions;
import org.bson.RawBsonDocument;

import java.util.Map;
import java.util.Set;

/**
 * What the {@code read-target} step found for a batch: per collection, what the target holds for the batch's
 * records and the versions replication kept in both regions. Records are named as {@link MongoVersions#id}
 * names them.
 *
 * @param targets per collection ({@code db.collection}) of the batch
 */
public record MongoCompared(MongoChanges read, Map<String, Target> targets) implements ChangeBatch {

    /**
     * @param documents the batch's records the target holds
     * @param versions the versions replication wrote into the target for them
     * @param sourceVersions the versions the reverse direction wrote into the source for them
     * @param interrupted the records an earlier rewrite of this collection was cut off in (its in-flight marker)
     */
    public record Target(Map<String, RawBsonDocument> documents, Map<String, MongoVersions.Version> versions,
                         Map<String, MongoVersions.Version> sourceVersions, Set<String> interrupted) {

        public Target {
            documents = Map.copyOf(documents);
            versions = Map.copyOf(versions);
            sourceVersions = Map.copyOf(sourceVersions);
            interrupted = Set.copyOf(interrupted);
        }
    }

    public MongoCompared {
        targets = Map.copyOf(targets);
    }

    @Override
    public Direction direction() {
        return read.direction();
    }

    @Override
    public int size() {
        return read.size();
    }

    @Override
    public boolean more() {
        return read.more();
    }
}
