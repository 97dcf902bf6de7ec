package io.devflow.dr.replication.mongodb;

import com.mongodb.client.MongoClient;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.ConflictVersions;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.RoundResult;
import io.devflow.dr.replication.StoreReplication;
import io.devflow.dr.store.mongodb.MongoChange;
import io.devflow.dr.store.mongodb.MongoJson;
import io.devflow.dr.store.mongodb.MongoSections;
import io.devflow.dr.store.mongodb.MongoTargetWriter;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * MongoDB replication, as the steps of the worker round call it: per direction, an initial sync (a snapshot of
 * every collection, copied from a position read before the copy began), then the change streams from that
 * position on ({@link io.devflow.dr.store.mongodb.MongoChangeFeed}). Each batch is compared record by record
 * with what the target holds and the versions replication last wrote there ({@link MongoClassifier}); the
 * changes that conflict with nothing are written byte for byte
 * ({@link io.devflow.dr.store.mongodb.MongoTargetWriter}); conflicts go to the conflict route
 * ({@link MongoConflicts}). Decision 21 explains the versions.
 */
public final class MongoReplication implements StoreReplication<MongoChanges, MongoCompared, MongoApply, RecordChange,
        MongoCheckpoint> {

    private static final String STORE = StoreKind.MONGODB.id();

    private final RegionDirectory regions;
    private final ProgressBoard board;
    private final Clock clock;
    private final MongoConflicts conflicts;
    private final DirectionSessions<MongoCheckpoint, MongoSession> sessions;

    public MongoReplication(RegionDirectory regions, ReplicationConfig config, ConflictStore conflicts,
                            Checkpoints checkpoints, ProgressBoard progress, Clock clock) {
        this.regions = regions;
        this.board = progress;
        this.clock = clock;
        this.conflicts = new MongoConflicts(regions, config, conflicts, clock);
        this.sessions = new DirectionSessions<>(checkpoints, StoreKind.MONGODB, MongoCheckpoint.class,
                (direction, saved) -> new MongoSession(direction, regions.get(direction.source()),
                        regions.get(direction.target()), config.mongodb(), clock));
    }

    @Override
    public StoreKind store() {
        return StoreKind.MONGODB;
    }

    @Override
    public MongoChanges read(Direction direction) {
        MongoSession session = sessions.open(direction);
        synchronized (session) {
            MongoCheckpoint from = sessions.latest(direction).orElseGet(session::fresh);
            ReplicationProgress progress = progress(direction);
            if (progress.appliedCount() == 0) {
                progress.restore(from.applied(), from.bytes());
            }
            progress.phase(from.copying() ? ReplicationProgress.Phase.INITIAL_SYNC : ReplicationProgress.Phase.STREAMING);
            return session.read(from);
        }
    }

    @Override
    public MongoCompared readTarget(MongoChanges changes) {
        MongoSession session = session(changes.direction());
        synchronized (session) {
            return session.compare(changes);
        }
    }

    /** Echoes, and changes superseded by a later one of the same record, are counted here: nothing follows for them. */
    @Override
    public Classified<MongoCheckpoint> classify(MongoCompared compared) {
        MongoClassifier.Classification classification = MongoClassifier.classify(compared, clock.instant());
        ReplicationProgress progress = progress(compared.direction());
        progress.echoesSkipped(classification.echoes());
        progress.applied(classification.superseded(), 0, null);
        return classification.batch();
    }

    @Override
    public List<ReplicationFailure> write(Outcome.Apply<MongoApply> apply) {
        Direction direction = apply.direction();
        MongoSession session = session(direction);
        List<MongoTargetWriter.Refused> refused;
        synchronized (session) {
            refused = session.write(apply.writes());
        }
        progress(direction).applied(apply.count(), apply.writes().bytes(), apply.writes().newest());
        String namespace = apply.writes().writes().namespace();
        return refused.stream().map(r -> failure(direction, namespace, r)).toList();
    }

    /** A change the target refused for good, under an id of its own: met again, it is kept once. */
    private ReplicationFailure failure(Direction direction, String namespace, MongoTargetWriter.Refused refused) {
        MongoChange change = refused.change();
        ConflictRecord record = MongoConflicts.record(namespace, change.id());
        return new ReplicationFailure(ReplicationFailure.id(STORE, direction, record, MongoJson.digest(change.document())),
                STORE, direction.source().value(), direction.target().value(), record, clock.instant(),
                refused.error(), MongoJson.tree(change.document()));
    }

    @Override
    public void hold(Outcome.Held<RecordChange> held) {
        conflicts.hold(held.conflictId(), held.change());
    }

    /** Also collects the target's old tombstones, at most hourly. */
    @Override
    public RoundResult checkpoint(Classified<MongoCheckpoint> batch) {
        RoundResult result = sessions.checkpoint(batch);
        if (result.failed()) {
            return result;
        }
        MongoCheckpoint reached = batch.reached();
        progress(batch.direction()).polled(!batch.more(), 0,
                reached.copying() ? reached.syncStart() : null);
        MongoSession session = sessions.current(batch.direction());
        if (session != null) {
            synchronized (session) {
                session.sweepTombstones();
            }
        }
        return result;
    }

    @Override
    public ConflictVersions describe(Outcome.Conflicting<RecordChange> conflicting) {
        return conflicts.describe(conflicting.direction(), conflicting.change());
    }

    @Override
    public void settle(Conflict conflict) {
        MongoSession session = sessions.open(conflict.direction());
        synchronized (session) {
            conflicts.settle(conflict);
        }
    }

    @Override
    public Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        MongoSession session = sessions.open(conflict.direction());
        synchronized (session) {
            return conflicts.resolve(conflict, resolution, by);
        }
    }

    @Override
    public void reset(Direction direction) {
        sessions.reset(direction);
    }

    @Override
    public void stop(Direction direction) {
        sessions.stop(direction);
    }

    @Override
    public Map<String, Long> targetCounts(Direction direction) {
        MongoClient client = regions.get(direction.target()).mongo();
        long documents = 0;
        for (String database : regions.get(direction.source()).config().requireMongodb().databases()) {
            for (String name : client.getDatabase(database).listCollectionNames()) {
                if (MongoSections.isBackedUp(name)) {
                    documents += client.getDatabase(database).getCollection(name).estimatedDocumentCount();
                }
            }
        }
        return Map.of("documents", documents);
    }

    /** The direction's session, which the round's first step opened. */
    private MongoSession session(Direction direction) {
        MongoSession session = sessions.current(direction);
        if (session == null) {
            throw new IllegalStateException("MongoDB replication " + direction + " was reset while its round ran; "
                    + "the next round starts again from the checkpoint");
        }
        return session;
    }

    private ReplicationProgress progress(Direction direction) {
        return board.of(direction, StoreKind.MONGODB);
    }

    @Override
    public void close() {
        sessions.closeAll();
    }
}
