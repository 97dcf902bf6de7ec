package io.devflow.dr.replication.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.store.mongodb.ChangePosition;
import io.devflow.dr.store.mongodb.MongoChange;
import io.devflow.dr.store.mongodb.MongoChangeFeed;
import io.devflow.dr.store.mongodb.MongoJson;
import io.devflow.dr.store.mongodb.MongoSections;
import io.devflow.dr.store.mongodb.MongoTargetWriter;
import io.devflow.dr.store.mongodb.MongoVersions;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Remote;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One direction's open readers: the initial sync's cursor over the collection it copies, or the source's change
 * feed, and what it knows of the target between rounds. Opening one reads nothing; the first read does.
 */
final class MongoSession implements DirectionSessions.Session {

    private static final Logger LOG = LoggerFactory.getLogger(MongoSession.class);
    /**
     * How long the version of a deleted record is kept: its deletion's echo comes back within seconds, and one
     * arriving later still does no harm (it finds the record gone and only writes a new tombstone).
     */
    private static final Duration TOMBSTONE_RETENTION = Duration.ofHours(24);
    private static final Duration TOMBSTONE_SWEEP_INTERVAL = Duration.ofHours(1);

    private final Direction direction;
    private final RegionContext source;
    private final RegionContext target;
    private final List<String> databases;
    private final int batchSize;
    private final Duration linger;
    private final Pause pause;
    private final Clock clock;
    private final MongoVersions targetVersions;
    private final MongoVersions sourceVersions;
    private final MongoTargetWriter writer;
    /** Where a direction without a checkpoint starts: read once per session, before its copy begins. */
    private MongoCheckpoint fresh;
    private MongoCursor<RawBsonDocument> snapshot;
    private String snapshotNamespace;
    private MongoChangeFeed feed;
    /**
     * Per collection, the records an earlier rewrite was cut off in (from the in-flight marker, read once per
     * session: after a failure the session is reset, and only this session writes the marker while it lives).
     */
    private final Map<String, Set<String>> interrupted = new HashMap<>();
    /** When this session last collected the target's old tombstones (null: not yet). */
    private Instant tombstonesSwept;

    MongoSession(Direction direction, RegionContext source, RegionContext target, ReplicationConfig.Mongo config,
                 Clock clock) {
        this(direction, source, target, config, clock, duration -> Thread.sleep(duration.toMillis()));
    }

    /** @param pause how the session waits out its linger (the tests' own writes arrive during it) */
    MongoSession(Direction direction, RegionContext source, RegionContext target, ReplicationConfig.Mongo config,
                 Clock clock, Pause pause) {
        this.direction = direction;
        this.source = source;
        this.target = target;
        this.databases = source.config().requireMongodb().databases();
        this.batchSize = config.batchSize();
        this.linger = config.linger();
        this.pause = pause;
        this.clock = clock;
        this.targetVersions = new MongoVersions(target.mongo(), config.metadataDatabase());
        this.sourceVersions = new MongoVersions(source.mongo(), config.metadataDatabase());
        this.writer = new MongoTargetWriter(target.mongo(), targetVersions);
    }

    /** The checkpoint of a direction that has none: its initial sync, from the source's position now. */
    MongoCheckpoint fresh() {
        if (fresh == null) {
            fresh = MongoCheckpoint.initialSync(ChangePosition.current(source.mongo(), source.mongoDisplay()), clock.instant());
        }
        return fresh;
    }

    /** The next changes from where the direction stands: the next part of the initial sync, or of the change streams. */
    MongoChanges read(MongoCheckpoint from) {
        return from.copying() ? copy(from) : stream(from);
    }

    /** One batch of the initial sync's copy; the change streams follow once every collection is copied. */
    private MongoChanges copy(MongoCheckpoint from) {
        if (snapshot == null) {
            Optional<String> next = namespaces().stream().filter(ns -> !from.copied().contains(ns)).findFirst();
            if (next.isEmpty()) {
                LOG.info("MongoDB initial sync {} complete; following the change streams", direction);
                return new MongoChanges(direction, List.of(), 0, true, from.streaming(clock.instant()), true);
            }
            String namespace = next.get();
            MongoCollection<RawBsonDocument> collection = collection(source.mongo(), namespace);
            snapshot = Remote.execute("reading " + namespace + " on " + source.mongoDisplay(),
                    () -> collection.find().batchSize(batchSize).cursor());
            snapshotNamespace = namespace;
        }
        List<MongoChange> changes = new ArrayList<>();
        while (changes.size() < batchSize && snapshot.hasNext()) {
            changes.add(MongoChange.copied(snapshotNamespace, snapshot.next(), from.startPosition().time()));
        }
        MongoCheckpoint reached = from;
        if (!snapshot.hasNext()) {
            snapshot.close();
            snapshot = null;
            reached = from.withCopied(snapshotNamespace);
        }
        return new MongoChanges(direction, changes, 0, true, reached, true);
    }

    private MongoChanges stream(MongoCheckpoint from) {
        if (feed == null) {
            feed = new MongoChangeFeed(source.mongo(), source.mongoDisplay(), databases,
                    ChangePosition.decodeAll(from.positions()), this::historyLost);
        }
        List<MongoChange> changes = new ArrayList<>();
        int superseded = 0;
        for (MongoChangeFeed.Event event : lingered(feed.poll(batchSize))) {
            MongoChange change = MongoChange.of(event.namespace(), event.change());
            if (change != null) {
                changes.add(change);
            } else if (!MongoChangeFeed.isEndOfStream(event.change())) {
                superseded++;
            }
        }
        Map<String, String> positions = new LinkedHashMap<>();
        feed.positions().forEach((namespace, position) -> positions.put(namespace, position.encode()));
        return new MongoChanges(direction, changes, superseded, false, from.at(positions), changes.size() >= batchSize);
    }

    /**
     * A partly filled batch waits once, for the linger, and takes the changes that arrived meanwhile: every round
     * costs the same few round trips to both servers (the target's versions, the rewrite marker, the writes)
     * whatever it carries, and without the wait a steady trickle of writes is applied one write per round.
     */
    private List<MongoChangeFeed.Event> lingered(List<MongoChangeFeed.Event> read) {
        if (read.isEmpty() || read.size() >= batchSize || linger.isZero()) {
            return read;
        }
        try {
            pause.pause(linger);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return read;
        }
        List<MongoChangeFeed.Event> events = new ArrayList<>(read);
        events.addAll(feed.poll(batchSize - read.size()));
        return events;
    }

    /** Waits, as {@link Thread#sleep} does. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private RuntimeException historyLost(RuntimeException failure, String namespace, ChangePosition from) {
        return new IllegalStateException("the oplog of " + source.mongoDisplay() + " no longer reaches "
                + from.encode() + ", where replication " + direction + " of " + namespace + " stands: the changes "
                + "since then cannot be replicated. Delete replication/checkpoints/" + direction.id() + "/mongodb in "
                + "the control state to start again with an initial sync, and size the oplog to hold more than the "
                + "longest time replication may be stopped", failure);
    }

    /** What the target holds for the batch's records, and the versions replication kept in both regions. */
    MongoCompared compare(MongoChanges changes) {
        Map<String, List<BsonValue>> ids = new LinkedHashMap<>();
        changes.changes().forEach(c -> ids.computeIfAbsent(c.namespace(), n -> new ArrayList<>()).add(c.id()));
        Map<String, MongoCompared.Target> targets = new HashMap<>();
        ids.forEach((namespace, keys) -> {
            Set<String> records = new HashSet<>();
            keys.forEach(k -> records.add(MongoVersions.id(namespace, MongoJson.key(k))));
            Map<String, RawBsonDocument> documents = new HashMap<>();
            Remote.run("reading " + namespace + " on " + target.mongoDisplay(), () -> {
                for (RawBsonDocument d : collection(target.mongo(), namespace).find(Filters.in("_id", keys))) {
                    documents.put(MongoVersions.id(namespace, MongoJson.key(d.get("_id"))), d);
                }
            });
            targets.put(namespace, new MongoCompared.Target(documents, targetVersions.find(records),
                    sourceVersions.find(records), interrupted.computeIfAbsent(namespace, targetVersions::inFlight)));
        });
        return new MongoCompared(changes, targets);
    }

    /** Writes one collection's part of a batch; returns the changes the target refused. */
    List<MongoTargetWriter.Refused> write(MongoApply apply) {
        List<MongoTargetWriter.Refused> refused = writer.write(apply.writes());
        interrupted.put(apply.writes().namespace(), apply.writes().stillInterrupted());
        return refused;
    }

    /** At most once an hour per session: deletes the target's tombstones older than {@link #TOMBSTONE_RETENTION}. */
    void sweepTombstones() {
        Instant now = clock.instant();
        if (tombstonesSwept != null && now.isBefore(tombstonesSwept.plus(TOMBSTONE_SWEEP_INTERVAL))) {
            return;
        }
        tombstonesSwept = now;
        try {
            long collected = targetVersions.collectTombstones(now.minus(TOMBSTONE_RETENTION));
            if (collected > 0) {
                LOG.info("MongoDB replication {}: collected {} versions of records deleted over {} h ago from {}",
                        direction, collected, TOMBSTONE_RETENTION.toHours(), target.mongoDisplay());
            }
        } catch (RuntimeException e) {
            LOG.warn("MongoDB replication {}: old versions of deleted records not collected on {}, tried again in an hour: {}",
                    direction, target.mongoDisplay(), Failures.describe(e));
        }
    }

    /** The collections of the replicated databases; views are left out, as the change streams leave them out. */
    private List<String> namespaces() {
        List<String> namespaces = new ArrayList<>();
        for (String database : databases) {
            MongoSections.collections(source.mongo(), database, source.mongoDisplay())
                    .forEach(c -> namespaces.add(MongoSections.name(database, c.getString("name"))));
        }
        return namespaces;
    }

    static MongoCollection<RawBsonDocument> collection(MongoClient client, String namespace) {
        int dot = namespace.indexOf('.');
        return client.getDatabase(namespace.substring(0, dot)).getCollection(namespace.substring(dot + 1), RawBsonDocument.class);
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
            feed = null;
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
