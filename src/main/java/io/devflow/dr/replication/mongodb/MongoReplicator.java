package io.devflow.dr.replication.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.Batch;
import io.devflow.dr.replication.ConflictResolver;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.StoreReplicator;
import io.devflow.dr.store.mongodb.ChangePosition;
import io.devflow.dr.store.mongodb.MongoSections;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.Remote;
import io.devflow.dr.support.StateConflictException;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.json.JsonParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * MongoDB replication: per direction, an initial sync (a snapshot of every collection, copied from a position
 * read before the copy began), then the change streams from that position on. Each batch of changes is
 * checked record by record against the versions replication last wrote into the target
 * ({@link MongoVersions}): an unchanged target record takes the change, a changed one is a conflict. A change
 * whose document is exactly what the reverse direction wrote into the source is an echo and is skipped, so
 * two directions never loop.
 *
 * <p>A batch's documents are written as one delete of them all and one ordered insert of the new versions, so
 * the target holds each document byte for byte as the source does (servers that keep the old field order on
 * replace would not) in two commands per batch. Versions are written after the documents.
 */
public final class MongoReplicator implements StoreReplicator {

    private static final Logger LOG = LoggerFactory.getLogger(MongoReplicator.class);
    private static final String STORE = StoreKind.MONGODB.id();
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    /**
     * How long the version of a deleted record is kept: its deletion's echo comes back within seconds, and one
     * arriving later still does no harm (it finds the record gone and only writes a new tombstone).
     */
    static final Duration TOMBSTONE_RETENTION = Duration.ofHours(24);
    private static final Duration TOMBSTONE_SWEEP_INTERVAL = Duration.ofHours(1);

    private final RegionDirectory regions;
    private final ReplicationConfig config;
    private final ConflictResolver resolver;
    private final ConflictStore conflicts;
    private final Checkpoints checkpoints;
    private final Clock clock;
    private final DirectionSessions<Session> sessions;

    public MongoReplicator(RegionDirectory regions, ReplicationConfig config, ConflictStore conflicts,
                           Checkpoints checkpoints, Clock clock) {
        this.regions = regions;
        this.config = config;
        this.resolver = new ConflictResolver(config.conflicts());
        this.conflicts = conflicts;
        this.checkpoints = checkpoints;
        this.sessions = new DirectionSessions<>(checkpoints, STORE, Session::new);
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.MONGODB;
    }

    /** One direction's open readers and the position it has reached. */
    private final class Session implements DirectionSessions.Session {
        final Direction direction;
        final RegionContext source;
        final RegionContext target;
        final List<String> databases;
        final MongoVersions targetVersions;
        final MongoVersions sourceVersions;
        final ObjectNode checkpoint;
        boolean dirty;
        String savedPhase;
        MongoStreams streams;
        MongoCursor<RawBsonDocument> snapshot;
        String snapshotNamespace;
        /** When this session last collected the target's old tombstones (null: not yet). */
        Instant tombstonesSwept;
        /**
         * Per collection, the records an earlier rewrite was cut off in (from the in-flight marker, read once per
         * session: after a failure the session is reset, and only this session writes the marker while it lives).
         */
        final Map<String, Set<String>> interrupted = new HashMap<>();

        Session(Direction direction) {
            this.direction = direction;
            this.source = regions.get(direction.source());
            this.target = regions.get(direction.target());
            this.databases = source.config().requireMongodb().databases();
            String metadata = config.mongodb().metadataDatabase();
            this.targetVersions = new MongoVersions(target.mongo(), metadata);
            this.sourceVersions = new MongoVersions(source.mongo(), metadata);
            Optional<JsonNode> saved = checkpoints.load(direction, STORE);
            if (saved.isPresent() && saved.get().isObject()) {
                this.checkpoint = (ObjectNode) saved.get().deepCopy();
                this.savedPhase = checkpoint.path("phase").asText();
            } else {
                // Everything from this position on is read from the change streams after the snapshot is copied.
                ChangePosition start = ChangePosition.current(source.mongo(), display(source));
                this.checkpoint = Json.MAPPER.createObjectNode();
                checkpoint.put("phase", "initial-sync");
                checkpoint.put("start", start.encode());
                checkpoint.put("startedAt", clock.instant().toString());
                checkpoint.putArray("copied");
                checkpoint.put("applied", 0L);
                checkpoint.put("bytes", 0L);
                this.dirty = true;
            }
        }

        boolean initialSync() {
            return "initial-sync".equals(checkpoint.path("phase").asText());
        }

        ChangePosition start() {
            return ChangePosition.decode(checkpoint.path("start").asText());
        }

        @Override
        public ObjectNode checkpoint() {
            return checkpoint;
        }

        @Override
        public boolean dirty() {
            return dirty;
        }

        @Override
        public void close() {
            if (streams != null) {
                streams.close();
                streams = null;
            }
            if (snapshot != null) {
                try {
                    snapshot.close();
                } catch (RuntimeException e) {
                    // the server may be gone already
                }
                snapshot = null;
            }
        }
    }

    private Session session(Direction direction) {
        return sessions.open(direction);
    }

    @Override
    public Batch poll(Direction direction, ReplicationProgress progress) {
        Session session = session(direction);
        synchronized (session) {
            if (progress.appliedCount() == 0) {
                progress.restore(session.checkpoint.path("applied").asLong(), session.checkpoint.path("bytes").asLong());
            }
            return session.initialSync() ? copyStep(session, progress) : streamStep(session, progress);
        }
    }

    /** One batch of the initial sync's snapshot copy; switches to the change streams when every collection is copied. */
    private Batch copyStep(Session session, ReplicationProgress progress) {
        progress.phase(ReplicationProgress.Phase.INITIAL_SYNC);
        ChangePosition start = session.start();
        Instant startTime = Instant.ofEpochSecond(start.time().getTime());
        if (session.snapshot == null) {
            Optional<String> next = namespaces(session).stream()
                    .filter(ns -> !contains((ArrayNode) session.checkpoint.get("copied"), ns)).findFirst();
            if (next.isEmpty()) {
                session.checkpoint.put("phase", "streaming");
                session.checkpoint.remove("copied");
                session.checkpoint.putObject("positions").put(ChangePosition.ALL_STREAMS, start.encode());
                session.checkpoint.put("initialSyncCompletedAt", clock.instant().toString());
                session.dirty = true;
                LOG.info("MongoDB initial sync {} complete; following the change streams", session.direction);
                progress.polled(false, 0, startTime);
                return batch(session, 0, List.of(), List.of(), true);
            }
            String namespace = next.get();
            session.snapshotNamespace = namespace;
            MongoCollection<RawBsonDocument> collection = collection(session.source.mongo(), namespace);
            session.snapshot = Remote.execute("reading " + namespace + " on " + display(session.source),
                    () -> collection.find().batchSize(config.mongodb().batchSize()).cursor());
        }
        List<MongoChange> changes = new ArrayList<>();
        while (changes.size() < config.mongodb().batchSize() && session.snapshot.hasNext()) {
            RawBsonDocument document = session.snapshot.next();
            changes.add(new MongoChange(session.snapshotNamespace, document.get("_id"), document, start.time(), null, null));
        }
        Applied applied = apply(session, changes, progress, true);
        if (!session.snapshot.hasNext()) {
            session.snapshot.close();
            session.snapshot = null;
            ((ArrayNode) session.checkpoint.get("copied")).add(session.snapshotNamespace);
            session.dirty = true;
        }
        progress.polled(false, 0, startTime);
        return batch(session, applied.count, applied.conflicts, applied.failures, true);
    }

    private Batch streamStep(Session session, ReplicationProgress progress) {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        if (session.streams == null) {
            Map<String, String> saved = new LinkedHashMap<>();
            session.checkpoint.path("positions").fields().forEachRemaining(e -> saved.put(e.getKey(), e.getValue().asText()));
            session.streams = new MongoStreams(session.source.mongo(), display(session.source), session.databases,
                    ChangePosition.decodeAll(saved));
        }
        int max = config.mongodb().batchSize();
        List<MongoChange> changes = session.streams.poll(max);
        Map<String, String> positions = session.streams.positions();
        if (!positions.equals(Json.MAPPER.convertValue(session.checkpoint.path("positions"), Map.class))) {
            session.checkpoint.set("positions", Json.MAPPER.valueToTree(positions));
            session.dirty = true;
        }
        if (changes.isEmpty()) {
            int superseded = session.streams.takeSuperseded();
            if (superseded > 0) {
                progress.applied(superseded, 0, null);
                addApplied(session, superseded, 0);
            }
            progress.polled(true, 0, null);
            return batch(session, 0, List.of(), List.of(), false);
        }
        // Only a record's last change in the batch matters: each change carries the whole document.
        Map<String, MongoChange> latest = new LinkedHashMap<>();
        for (MongoChange change : changes) {
            String id = MongoVersions.id(change.namespace(), MongoJson.key(change.id()));
            latest.remove(id);
            latest.put(id, change);
        }
        Applied applied = apply(session, new ArrayList<>(latest.values()), progress, false);
        // Changes superseded by a later one of the same record count as applied with it.
        int superseded = changes.size() - latest.size() + session.streams.takeSuperseded();
        progress.applied(superseded, 0, null);
        addApplied(session, superseded, 0);
        boolean more = changes.size() >= max;
        progress.polled(!more, 0, null);
        return batch(session, applied.count, applied.conflicts, applied.failures, more);
    }

    private Batch batch(Session session, int applied, List<Conflict> found, List<ReplicationFailure> failures, boolean more) {
        return new Batch(session.direction, STORE, applied, found, failures,
                session.dirty ? session.checkpoint.deepCopy() : null, more);
    }

    private record Applied(int count, List<Conflict> conflicts, List<ReplicationFailure> failures) {
    }

    /**
     * Checks each change against the target and writes the ones that conflict with nothing. An echo (the
     * source's record is what the reverse direction wrote there) is skipped while streaming; in an initial
     * sync only when the target holds it too, so that a region that comes back empty or older after a
     * failover gets back the records it once replicated itself.
     */
    private Applied apply(Session session, List<MongoChange> changes, ReplicationProgress progress, boolean copying) {
        Map<String, List<MongoChange>> byNamespace = new LinkedHashMap<>();
        changes.forEach(c -> byNamespace.computeIfAbsent(c.namespace(), n -> new ArrayList<>()).add(c));
        List<Conflict> found = new ArrayList<>();
        List<ReplicationFailure> failures = new ArrayList<>();
        int applied = 0;
        long bytes = 0;
        int echoes = 0;
        Instant newest = null;
        String origin = session.direction.source().value();
        for (Map.Entry<String, List<MongoChange>> group : byNamespace.entrySet()) {
            String namespace = group.getKey();
            List<MongoChange> batch = group.getValue();
            Map<String, MongoChange> byId = new LinkedHashMap<>();
            batch.forEach(c -> byId.put(MongoVersions.id(namespace, MongoJson.key(c.id())), c));
            Map<String, RawBsonDocument> current = targetDocuments(session, namespace, batch);
            Map<String, MongoVersions.Version> targetVersions = session.targetVersions.find(byId.keySet());
            Map<String, MongoVersions.Version> sourceVersions = session.sourceVersions.find(byId.keySet());
            Set<String> interrupted = session.interrupted.computeIfAbsent(namespace, session.targetVersions::inFlight);
            List<BsonDocument> versionWrites = new ArrayList<>();
            List<MongoChange> toWrite = new ArrayList<>();
            for (Map.Entry<String, MongoChange> entry : byId.entrySet()) {
                String id = entry.getKey();
                MongoChange change = entry.getValue();
                newest = newest == null || change.sourceTime().isAfter(newest) ? change.sourceTime() : newest;
                String digest = MongoJson.digest(change.document());
                RawBsonDocument existing = current.get(id);
                String existingDigest = MongoJson.digest(existing);
                MongoVersions.Version echo = sourceVersions.get(id);
                if (echo != null && echo.conflict() == null && session.direction.target().value().equals(echo.origin())
                        && Objects.equals(echo.digest(), digest) && (!copying || Objects.equals(existingDigest, digest))) {
                    echoes++;
                    continue;
                }
                MongoVersions.Version version = targetVersions.get(id);
                if (version != null && version.conflict() != null) {
                    holdLater(version.conflict(), change, digest);
                    continue;
                }
                boolean unchanged = version == null ? existing == null : Objects.equals(existingDigest, version.digest())
                        // replication's own rewrite of the record was cut off between its delete and its insert
                        || existing == null && interrupted.contains(id);
                if (unchanged || Objects.equals(existingDigest, digest)) {
                    versionWrites.add(MongoVersions.record(id, digest, change.sourceTime(), origin, null, clock.instant()));
                    if (!Objects.equals(existingDigest, digest)) {
                        toWrite.add(change);
                        bytes += change.deleted() ? 0 : change.document().getByteBuffer().remaining();
                    }
                    applied++;
                } else {
                    found.add(detect(session, change, digest, existing, existingDigest));
                    progress.conflictDetected();
                }
            }
            // records of a cut-off rewrite that this batch did not reach stay marked for the batches that will
            Set<String> stillInterrupted = interrupted.stream().filter(i -> !byId.containsKey(i)).collect(Collectors.toSet());
            List<ReplicationFailure> refused = write(session, namespace, toWrite, current.keySet(), stillInterrupted,
                    !interrupted.isEmpty());
            failures.addAll(refused);
            Set<String> refusedIds = refused.stream().map(f -> MongoVersions.id(namespace, f.record().key())).collect(Collectors.toSet());
            session.targetVersions.write(versionWrites.stream()
                    .filter(v -> !refusedIds.contains(v.getString("_id").getValue())).toList(), targetVersions.keySet());
        }
        progress.echoesSkipped(echoes);
        progress.applied(applied, bytes, newest);
        addApplied(session, applied, bytes);
        return new Applied(applied, found, failures);
    }

    private static void addApplied(Session session, long applied, long bytes) {
        session.checkpoint.put("applied", session.checkpoint.path("applied").asLong() + applied);
        session.checkpoint.put("bytes", session.checkpoint.path("bytes").asLong() + bytes);
        session.dirty = true;
    }

    private Map<String, RawBsonDocument> targetDocuments(Session session, String namespace, List<MongoChange> batch) {
        List<BsonValue> ids = batch.stream().map(MongoChange::id).toList();
        Map<String, RawBsonDocument> current = new LinkedHashMap<>();
        Remote.run("reading " + namespace + " on " + display(session.target), () -> {
            for (RawBsonDocument d : collection(session.target.mongo(), namespace).find(Filters.in("_id", ids))) {
                current.put(MongoVersions.id(namespace, MongoJson.key(d.get("_id"))), d);
            }
        });
        return current;
    }

    /**
     * Writes the batch's records in one ordered bulk write, one atomic operation per record. If the target
     * refuses a document, each change is written on its own, so that one document the target refuses for good
     * becomes a failure for the dead-letter route instead of stopping replication.
     */
    private List<ReplicationFailure> write(Session session, String namespace, List<MongoChange> changes,
                                           Set<String> present, Set<String> stillInterrupted, boolean wasInterrupted) {
        if (changes.isEmpty()) {
            finishInFlight(session, namespace, stillInterrupted, wasInterrupted);
            return List.of();
        }
        MongoCollection<BsonDocument> collection = session.target.mongo().getDatabase(namespace.substring(0, namespace.indexOf('.')))
                .getCollection(namespace.substring(namespace.indexOf('.') + 1), BsonDocument.class);
        // Two commands per batch: each record is in it once, so deleting those the target has and inserting
        // the new versions keeps each record's order and writes each document exactly as the source holds it
        // (a replace may keep the old document's field order on some servers). The in-flight marker lets a
        // replay after a failure between the two commands tell its own deletions from the target's.
        List<String> rewritten = new ArrayList<>();
        List<BsonValue> ids = new ArrayList<>();
        for (MongoChange change : changes) {
            String versionId = MongoVersions.id(namespace, MongoJson.key(change.id()));
            if (present.contains(versionId)) {
                rewritten.add(versionId);
                ids.add(change.id());
            }
        }
        List<BsonDocument> documents = changes.stream().filter(c -> !c.deleted()).map(c -> (BsonDocument) c.document()).toList();
        try {
            if (!ids.isEmpty()) {
                rewritten.addAll(stillInterrupted);
                session.targetVersions.markInFlight(namespace, rewritten);
                collection.deleteMany(Filters.in("_id", ids));
            }
            if (!documents.isEmpty()) {
                collection.insertMany(documents, new InsertManyOptions().ordered(true));
            }
            finishInFlight(session, namespace, stillInterrupted, wasInterrupted || !ids.isEmpty());
            return List.of();
        } catch (MongoBulkWriteException e) {
            LOG.warn("{}: a batch of {} changes was refused ({}); writing them one by one", namespace, changes.size(),
                    Failures.describe(e));
        }
        List<ReplicationFailure> failures = new ArrayList<>();
        for (MongoChange change : changes) {
            try {
                if (change.deleted()) {
                    collection.deleteOne(Filters.eq("_id", change.id()));
                } else {
                    collection.replaceOne(Filters.eq("_id", change.id()), change.document(), UPSERT);
                }
            } catch (MongoWriteException e) {
                ConflictRecord refused = record(namespace, change.id());
                failures.add(new ReplicationFailure(ReplicationFailure.id(STORE, session.direction, refused,
                        MongoJson.digest(change.document())), STORE, session.direction.source().value(),
                        session.direction.target().value(), refused, clock.instant(), Failures.describe(e),
                        MongoJson.tree(change.document())));
            }
        }
        finishInFlight(session, namespace, stillInterrupted, wasInterrupted || !ids.isEmpty());
        return failures;
    }

    /** After a batch's writes: the in-flight marker keeps only what an earlier cut-off rewrite still owes. */
    private static void finishInFlight(Session session, String namespace, Set<String> stillInterrupted, boolean marked) {
        session.interrupted.put(namespace, stillInterrupted);
        if (!marked) {
            return;
        }
        if (stillInterrupted.isEmpty()) {
            session.targetVersions.clearInFlight(namespace);
        } else {
            session.targetVersions.markInFlight(namespace, stillInterrupted);
        }
    }

    private void holdLater(String conflictId, MongoChange change, String digest) {
        try {
            conflicts.find(conflictId).filter(Conflict::isOpen).ifPresent(open -> conflicts.save(open.withLaterSource(
                    new RecordVersion(!change.deleted(), MongoJson.tree(change.document()), change.sourceTime(),
                            fieldTime(change.document()), digest))));
        } catch (RuntimeException e) {
            // the newest source version stays in the source; only the conflict's copy of it is behind
            LOG.warn("conflict {}: could not record a later source version: {}", conflictId, Failures.describe(e));
        }
    }

    private Conflict detect(Session session, MongoChange change, String digest, RawBsonDocument existing,
                            String existingDigest) {
        RecordVersion source = new RecordVersion(!change.deleted(), MongoJson.tree(change.document()),
                sourceChangeTime(session, change), fieldTime(change.document()), digest);
        RecordVersion target = new RecordVersion(existing != null, MongoJson.tree(existing),
                targetChangeTime(session, change.namespace(), change.id()), fieldTime(existing), existingDigest);
        ConflictResolver.Outcome outcome = resolver.decide(source, target);
        Instant now = clock.instant();
        return Conflict.detected(ConflictId.generate(now), STORE, session.direction, record(change.namespace(), change.id()),
                resolver.strategy(), now, source, target, outcome.decision(), outcome.reason());
    }

    /** The change's time at the source, to the millisecond where the server's oplog records wall-clock times. */
    private Instant sourceChangeTime(Session session, MongoChange change) {
        if (change.wallTime() != null || change.token() == null) {
            return change.wallTime() != null ? change.wallTime() : change.sourceTime();
        }
        try {
            Document entry = session.source.mongo().getDatabase("local").getCollection("oplog.rs")
                    .find(Filters.eq("ts", change.clusterTime())).first();
            Instant wall = wall(entry);
            return wall != null ? wall : change.sourceTime();
        } catch (RuntimeException e) {
            return change.sourceTime();
        }
    }

    /** When the target last changed the record, from its oplog; null when the oplog no longer says. */
    private Instant targetChangeTime(Session session, String namespace, BsonValue id) {
        try {
            Document entry = session.target.mongo().getDatabase("local").getCollection("oplog.rs")
                    .find(Filters.and(Filters.eq("ns", namespace),
                            Filters.or(Filters.eq("o._id", id), Filters.eq("o2._id", id))))
                    .sort(Sorts.descending("ts")).limit(1).first();
            if (entry == null) {
                return null;
            }
            Instant wall = wall(entry);
            return wall != null ? wall : entry.get("ts") instanceof BsonTimestamp ts ? Instant.ofEpochSecond(ts.getTime()) : null;
        } catch (RuntimeException e) {
            LOG.debug("no change time for {} {} on {}: {}", namespace, id, display(session.target), Failures.describe(e));
            return null;
        }
    }

    private static Instant wall(Document entry) {
        if (entry == null) {
            return null;
        }
        Object wall = entry.get("wall");
        return wall instanceof Date date ? date.toInstant() : null;
    }

    /**
     * The configured timestamp field's value as an instant (dates, epoch milliseconds, ISO-8601 strings); a
     * dotted name ({@code meta.updatedAt}) reaches into embedded documents, as in a MongoDB query.
     */
    Instant fieldTime(RawBsonDocument document) {
        if (document == null) {
            return null;
        }
        BsonValue value = document;
        for (String name : resolver.timestampField().split("\\.")) {
            if (!(value instanceof BsonDocument embedded) || (value = embedded.get(name)) == null) {
                return null;
            }
        }
        try {
            return switch (value.getBsonType()) {
                case DATE_TIME -> Instant.ofEpochMilli(value.asDateTime().getValue());
                case TIMESTAMP -> Instant.ofEpochSecond(value.asTimestamp().getTime());
                case INT64 -> Instant.ofEpochMilli(value.asInt64().getValue());
                case INT32 -> Instant.ofEpochMilli(value.asInt32().getValue());
                case DOUBLE -> Instant.ofEpochMilli((long) value.asDouble().getValue());
                case STRING -> Instant.parse(value.asString().getValue());
                default -> null;
            };
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void commit(Batch batch) {
        Session session = sessions.current(batch.direction());
        if (session == null || batch.checkpoint() == null) {
            return;
        }
        synchronized (session) {
            String phase = batch.checkpoint().path("phase").asText();
            boolean phaseChanged = !phase.equals(session.savedPhase);
            boolean collectionCopied = session.initialSync();
            if (checkpoints.save(session.direction, STORE, batch.checkpoint(), phaseChanged || collectionCopied && session.snapshot == null)) {
                session.savedPhase = phase;
                session.dirty = false;
            }
            sweepTombstones(session);
        }
    }

    /** At most once an hour per session: deletes the target's tombstones older than {@link #TOMBSTONE_RETENTION}. */
    private void sweepTombstones(Session session) {
        Instant now = clock.instant();
        if (session.tombstonesSwept != null && now.isBefore(session.tombstonesSwept.plus(TOMBSTONE_SWEEP_INTERVAL))) {
            return;
        }
        session.tombstonesSwept = now;
        try {
            long collected = session.targetVersions.collectTombstones(now.minus(TOMBSTONE_RETENTION));
            if (collected > 0) {
                LOG.info("MongoDB replication {}: collected {} versions of records deleted over {} h ago from {}",
                        session.direction, collected, TOMBSTONE_RETENTION.toHours(), display(session.target));
            }
        } catch (RuntimeException e) {
            LOG.warn("MongoDB replication {}: old versions of deleted records not collected on {}, tried again in an hour: {}",
                    session.direction, display(session.target), Failures.describe(e));
        }
    }

    @Override
    public void settle(Conflict conflict) {
        Session session = session(conflict.direction());
        synchronized (session) {
            String namespace = conflict.record().database() + "." + conflict.record().collection();
            BsonValue id = MongoJson.id(conflict.record().key());
            String versionId = MongoVersions.id(namespace, conflict.record().key());
            RawBsonDocument existing = collection(session.target.mongo(), namespace).find(Filters.eq("_id", id)).first();
            String existingDigest = MongoJson.digest(existing);
            String origin = conflict.source();
            switch (conflict.decision()) {
                case SOURCE -> {
                    RawBsonDocument current = collection(session.source.mongo(), namespace).find(Filters.eq("_id", id)).first();
                    writeOne(session.target.mongo(), namespace, id, current);
                    session.targetVersions.replace(List.of(MongoVersions.record(versionId, MongoJson.digest(current),
                            clock.instant(), origin, null)));
                }
                case TARGET -> session.targetVersions.replace(List.of(MongoVersions.record(versionId, existingDigest,
                        clock.instant(), conflict.target(), null)));
                case PENDING -> {
                    MongoVersions.Version before = session.targetVersions.find(versionId);
                    session.targetVersions.replace(List.of(MongoVersions.record(versionId,
                            before == null ? null : before.digest(), clock.instant(),
                            before == null ? origin : before.origin(), conflict.id())));
                    LOG.warn("conflict {}: {} {} changed in both {} and {}; held until resolved with "
                                    + "'dr resolve-conflict {} source|target|<json>'", conflict.id(), STORE,
                            conflict.record(), conflict.source(), conflict.target(), conflict.id());
                }
                default -> throw new IllegalArgumentException("a detected conflict cannot be settled as " + conflict.decision());
            }
        }
    }

    @Override
    public Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        Session session = session(conflict.direction());
        synchronized (session) {
            String namespace = conflict.record().database() + "." + conflict.record().collection();
            BsonValue id = MongoJson.id(conflict.record().key());
            String versionId = MongoVersions.id(namespace, conflict.record().key());
            MongoClient source = session.source.mongo();
            MongoClient target = session.target.mongo();
            RawBsonDocument sourceNow = collection(source, namespace).find(Filters.eq("_id", id)).first();
            RawBsonDocument targetNow = collection(target, namespace).find(Filters.eq("_id", id)).first();
            Instant now = clock.instant();
            switch (resolution.decision()) {
                case SOURCE -> {
                    writeOne(target, namespace, id, sourceNow);
                    session.targetVersions.replace(List.of(MongoVersions.record(versionId, MongoJson.digest(sourceNow),
                            now, conflict.source(), null)));
                    catchUp(session, namespace, id, versionId, MongoJson.digest(sourceNow), conflict.source());
                    return conflict.resolved(Decision.SOURCE, by, now, null, "resolved by " + by
                            + ": the source's version was written to " + conflict.target());
                }
                case TARGET -> {
                    requireSourceUnchanged(conflict, sourceNow);
                    // the source first: should that fail, the record stays held and the conflict open
                    writeOne(source, namespace, id, targetNow);
                    session.targetVersions.replace(List.of(MongoVersions.record(versionId, MongoJson.digest(targetNow),
                            now, conflict.target(), null)));
                    catchUp(session, namespace, id, versionId, MongoJson.digest(targetNow), conflict.source());
                    return conflict.resolved(Decision.TARGET, by, now, null, "resolved by " + by
                            + ": the target's version was written to " + conflict.source());
                }
                case CUSTOM -> {
                    RawBsonDocument custom = customDocument(resolution.custom(), id, conflict);
                    requireSourceUnchanged(conflict, sourceNow);
                    writeOne(target, namespace, id, custom);
                    session.targetVersions.replace(List.of(MongoVersions.record(versionId, MongoJson.digest(custom),
                            now, conflict.source(), null)));
                    writeOne(source, namespace, id, custom);
                    catchUp(session, namespace, id, versionId, MongoJson.digest(custom), conflict.source());
                    return conflict.resolved(Decision.CUSTOM, by, now, MongoJson.tree(custom), "resolved by " + by
                            + ": a new version was written to " + conflict.source() + " and " + conflict.target());
                }
                default -> throw new IllegalArgumentException("cannot resolve as " + resolution.decision());
            }
        }
    }

    /**
     * Once a resolution has lifted the hold: a source change made while it ran may have been read by a worker
     * in another process (a running {@code dr server} while the CLI resolves) and held, and that worker's stream
     * has moved past it. So whatever the source holds now, if it is not what the resolution wrote, is replicated
     * here; changes made after this read find the record free and replicate as usual.
     */
    private void catchUp(Session session, String namespace, BsonValue id, String versionId, String written,
                         String origin) {
        RawBsonDocument latest = collection(session.source.mongo(), namespace).find(Filters.eq("_id", id)).first();
        String digest = MongoJson.digest(latest);
        if (!Objects.equals(digest, written)) {
            writeOne(session.target.mongo(), namespace, id, latest);
            session.targetVersions.replace(List.of(MongoVersions.record(versionId, digest, clock.instant(), origin, null)));
        }
    }

    private static void requireSourceUnchanged(Conflict conflict, RawBsonDocument sourceNow) {
        if (!Objects.equals(MongoJson.digest(sourceNow), conflict.sourceVersion().sha256())) {
            throw new StateConflictException("conflict " + conflict.id() + ": " + conflict.record() + " changed in "
                    + conflict.source() + " since the conflict was recorded; 'dr conflicts show " + conflict.id()
                    + "' shows the latest version; resolve with source, or again once you have reviewed it");
        }
    }

    /** The operator's JSON as the record's document: its {@code _id} first, which must be the record's own. */
    private static RawBsonDocument customDocument(JsonNode json, BsonValue id, Conflict conflict) {
        BsonDocument parsed;
        try {
            parsed = BsonDocument.parse(json.toString());
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new InvalidRequestException("the resolution is not a MongoDB document: " + e.getMessage());
        }
        BsonValue given = parsed.remove("_id");
        if (given != null && !given.equals(id)) {
            throw new InvalidRequestException("the resolution's _id " + MongoJson.key(given) + " is not the conflicting "
                    + "record's " + conflict.record().key() + "; leave _id out or give the record's own");
        }
        BsonDocument document = new BsonDocument("_id", id);
        document.putAll(parsed);
        return new RawBsonDocument(document, new BsonDocumentCodec());
    }

    private static void writeOne(MongoClient client, String namespace, BsonValue id, RawBsonDocument document) {
        MongoCollection<BsonDocument> collection = client.getDatabase(namespace.substring(0, namespace.indexOf('.')))
                .getCollection(namespace.substring(namespace.indexOf('.') + 1), BsonDocument.class);
        if (document == null) {
            collection.deleteOne(Filters.eq("_id", id));
        } else {
            collection.replaceOne(Filters.eq("_id", id), document, UPSERT);
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
        RegionContext target = regions.get(direction.target());
        MongoClient client = target.mongo();
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

    private List<String> namespaces(Session session) {
        List<String> namespaces = new ArrayList<>();
        for (String database : session.databases) {
            // views are left out, as the change streams leave them out
            MongoSections.collections(session.source.mongo(), database, display(session.source))
                    .forEach(c -> namespaces.add(MongoSections.name(database, c.getString("name"))));
        }
        return namespaces;
    }

    private static boolean contains(ArrayNode array, String value) {
        for (JsonNode node : array) {
            if (node.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static MongoCollection<RawBsonDocument> collection(MongoClient client, String namespace) {
        int dot = namespace.indexOf('.');
        return client.getDatabase(namespace.substring(0, dot)).getCollection(namespace.substring(dot + 1), RawBsonDocument.class);
    }

    private static ConflictRecord record(String namespace, BsonValue id) {
        int dot = namespace.indexOf('.');
        return new ConflictRecord(namespace.substring(0, dot), namespace.substring(dot + 1), MongoJson.key(id));
    }

    private static String display(RegionContext region) {
        return region.mongoDisplay();
    }

    @Override
    public void close() {
        sessions.closeAll();
    }
}
