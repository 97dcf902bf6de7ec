package io.devflow.dr.replication.mongodb;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.store.mongodb.MongoChange;
import io.devflow.dr.store.mongodb.MongoJson;
import io.devflow.dr.store.mongodb.MongoVersions;
import io.devflow.dr.store.mongodb.MongoWrites;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides each change of a batch from what the target holds and the versions replication kept, without
 * reading or writing anything:
 * <ul>
 *   <li>only a record's last change in a batch counts (each change carries the whole document); the earlier
 *       ones, and events that carry no change, count as applied with it;</li>
 *   <li>an echo (the source holds exactly what the reverse direction wrote there) is skipped while streaming;
 *       in an initial sync only when the target holds it too, so that a region that comes back empty or older
 *       after a failover gets back the records it once replicated itself;</li>
 *   <li>a record an open conflict holds keeps the change with the conflict;</li>
 *   <li>a target record still as replication last wrote it (or missing because replication's own rewrite was
 *       cut off between its delete and its insert), or already equal to the change, takes the change;</li>
 *   <li>any other target record changed since replication wrote it: a conflict.</li>
 * </ul>
 * Outcomes come held first, then one write per collection of the batch, then the conflicts.
 */
final class MongoClassifier {

    /**
     * @param echoes changes skipped as echoes
     * @param superseded changes counted as applied with a later one (or carrying none)
     */
    record Classification(Classified<MongoCheckpoint> batch, int echoes, int superseded) {
    }

    private MongoClassifier() {
    }

    /** @param now when the versions the batch writes are written (a tombstone is kept for a time from then) */
    static Classification classify(MongoCompared compared, Instant now) {
        Direction direction = compared.direction();
        MongoChanges read = compared.read();
        Map<String, Map<String, MongoChange>> byNamespace = latestByNamespace(read.changes());
        List<Outcome> held = new ArrayList<>();
        List<Outcome> applies = new ArrayList<>();
        List<Outcome> conflicts = new ArrayList<>();
        int applied = 0;
        int echoes = 0;
        int latest = 0;
        long bytes = 0;
        for (Map.Entry<String, Map<String, MongoChange>> group : byNamespace.entrySet()) {
            String namespace = group.getKey();
            MongoCompared.Target target = compared.targets().get(namespace);
            List<BsonDocument> versions = new ArrayList<>();
            List<MongoChange> toWrite = new ArrayList<>();
            int groupApplied = 0;
            long groupBytes = 0;
            Instant newest = null;
            for (Map.Entry<String, MongoChange> entry : group.getValue().entrySet()) {
                latest++;
                String id = entry.getKey();
                MongoChange change = entry.getValue();
                newest = newest == null || change.sourceTime().isAfter(newest) ? change.sourceTime() : newest;
                String digest = MongoJson.digest(change.document());
                RawBsonDocument existing = target.documents().get(id);
                String existingDigest = MongoJson.digest(existing);
                if (isEcho(direction, target.sourceVersions().get(id), digest, existingDigest, read.copying())) {
                    echoes++;
                    continue;
                }
                MongoVersions.Version version = target.versions().get(id);
                RecordChange record = new RecordChange(change, digest, existing, existingDigest);
                if (version != null && version.conflict() != null) {
                    held.add(new Outcome.Held<>(direction, StoreKind.MONGODB, version.conflict(), record));
                    continue;
                }
                boolean unchanged = version == null ? existing == null : Objects.equals(existingDigest, version.digest())
                        || existing == null && target.interrupted().contains(id);
                if (unchanged || Objects.equals(existingDigest, digest)) {
                    versions.add(MongoVersions.record(id, digest, change.sourceTime(), direction.source().value(),
                            null, now));
                    if (!Objects.equals(existingDigest, digest)) {
                        toWrite.add(change);
                        groupBytes += change.deleted() ? 0 : change.document().getByteBuffer().remaining();
                    }
                    groupApplied++;
                } else {
                    conflicts.add(new Outcome.Conflicting<>(direction, StoreKind.MONGODB, record));
                }
            }
            // records of a cut-off rewrite that this batch does not reach stay marked for the batches that will
            Set<String> stillInterrupted = target.interrupted().stream()
                    .filter(i -> !group.getValue().containsKey(i)).collect(Collectors.toSet());
            MongoWrites writes = new MongoWrites(namespace, toWrite, target.documents().keySet(), stillInterrupted,
                    !target.interrupted().isEmpty(), versions, target.versions().keySet());
            applies.add(new Outcome.Apply<>(direction, StoreKind.MONGODB, new MongoApply(writes, groupBytes, newest),
                    groupApplied));
            applied += groupApplied;
            bytes += groupBytes;
        }
        int superseded = read.changes().size() - latest + read.superseded();
        List<Outcome> outcomes = new ArrayList<>(held);
        outcomes.addAll(applies);
        outcomes.addAll(conflicts);
        Classified<MongoCheckpoint> batch = new Classified<>(direction, StoreKind.MONGODB, outcomes,
                read.reached().plusApplied(applied + superseded, bytes), read.changes().size(), read.more());
        return new Classification(batch, echoes, superseded);
    }

    /** Per collection, in the order of their last change, each record's last change (by {@link MongoVersions#id}). */
    static Map<String, Map<String, MongoChange>> latestByNamespace(List<MongoChange> changes) {
        Map<String, MongoChange> latest = new LinkedHashMap<>();
        for (MongoChange change : changes) {
            String id = MongoVersions.id(change.namespace(), MongoJson.key(change.id()));
            latest.remove(id);
            latest.put(id, change);
        }
        Map<String, Map<String, MongoChange>> byNamespace = new LinkedHashMap<>();
        latest.forEach((id, change) -> byNamespace.computeIfAbsent(change.namespace(), n -> new LinkedHashMap<>())
                .put(id, change));
        return byNamespace;
    }

    /**
     * The source holds exactly what the reverse direction wrote there, and no conflict holds it. In an initial
     * sync the target must hold it too: a region that comes back empty is sent what it once replicated itself.
     */
    private static boolean isEcho(Direction direction, MongoVersions.Version sourceVersion, String digest,
                                  String existingDigest, boolean copying) {
        return sourceVersion != null && sourceVersion.conflict() == null
                && direction.target().value().equals(sourceVersion.origin())
                && Objects.equals(sourceVersion.digest(), digest)
                && (!copying || Objects.equals(existingDigest, digest));
    }
}
