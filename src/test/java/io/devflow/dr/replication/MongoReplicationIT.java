package io.devflow.dr.replication;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.RegionalStateStore;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.replication.mongodb.MongoReplication;
import io.devflow.dr.store.mongodb.MongoFingerprints;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.ControlStates;
import io.devflow.dr.testing.MutableClock;
import io.devflow.dr.testing.ReplicationRound;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import io.devflow.dr.testing.TestKeys;
import io.devflow.dr.testing.TrippingClock;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MongoDB replication through the routes of {@code dr server}, against real servers: an initial sync of
 * existing data, then concurrent inserts, updates, replacements and deletes while the replication worker is
 * killed and restarted and the target server crashes and comes back. Afterwards the target holds every
 * collection byte for byte as the source does, and the applied-event count covers every write.
 */
class MongoReplicationIT {

    @TempDir
    Path dir;
    TestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldConvergeUnderConcurrentWritesAcrossWorkerAndTargetRestarts() throws Exception {
        env = TestEnvironment.startOnFiles(dir, dr -> ServerReplication.replication(dr, "last-write-wins"), EAST, WEST);
        MongoCollection<Document> items = env.client(EAST).getDatabase("devflow").getCollection("items");
        MongoCollection<Document> events = env.client(EAST).getDatabase("devflow").getCollection("events");
        for (int i = 0; i < 300; i++) {
            items.insertOne(BsonSamples.everyType(i).append("_id", i));
            events.insertOne(BsonSamples.everyType(i).append("_id", i));
        }
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        DrServices firstServices = env.services();
        DrRuntime first = DrRuntime.start(firstServices, DrRuntime.Mode.SERVER, ServerReplication.FAST);
        try {
            ServerReplication.awaitStreaming(firstServices, Duration.ofSeconds(60));
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> write(items, 1, writing, writes));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> write(events, 2, writing, writes));
            Thread.sleep(1_500);
            first.close(); // the worker dies mid-stream
            DrServices secondServices = env.services();
            DrRuntime second = DrRuntime.start(secondServices, DrRuntime.Mode.SERVER, ServerReplication.FAST);
            try {
                Thread.sleep(1_000);
                int port = env.mongo(WEST).port();
                env.killMongo(WEST); // the target crashes
                Thread.sleep(1_500);
                env.restartMongo(WEST, port);
                Thread.sleep(1_000);
                writing.set(false);
                a.get();
                b.get();
                awaitSameData(Duration.ofSeconds(60));
                ReplicationProgress progress = secondServices.replication().orElseThrow()
                        .progress(Direction.of(EAST, WEST), StoreKind.MONGODB);
                // every write is one change event; the count (kept in the checkpoint across restarts) may include
                // events replayed after the restart, never fewer
                long expected = 600 + writes.get();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (progress.appliedCount() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(progress.appliedCount()).as("changes applied, counted across restarts")
                        .isGreaterThanOrEqualTo(expected);
                assertThat(secondServices.replication().orElseThrow().openConflicts()).isEmpty();
            } finally {
                second.close();
            }
        } finally {
            writing.set(false);
            first.close();
        }
    }

    /**
     * Both directions at once, as after a failover: each region's writes reach the other exactly once, and the
     * writes replication made are recognised as its own on the way back (echoes), so nothing loops.
     */
    @Test
    void shouldReplicateBothWaysWithoutLooping() throws Exception {
        env = TestEnvironment.start(dir, dr -> ServerReplication.replication(dr, "manual"), EAST, WEST);
        DrServices services = env.services();
        ReplicationConfig forward = services.config().replication().orElseThrow();
        ReplicationConfig backward = new ReplicationConfig(true, RegionId.of(WEST), List.of(RegionId.of(EAST)),
                forward.stores(), forward.conflicts(), forward.health(), forward.checkpointInterval(),
                forward.mongodb(), forward.redis(), forward.influxdb());
        Clock clock = Clock.systemUTC();
        try (RegionalStateStore state = ControlStates.of(services, clock)) {
            ConflictStore conflicts = new ConflictStore(state, TestKeys.conflictCipher());
            Worker eastToWest = Worker.of(services, forward, state, conflicts, clock, Direction.of(EAST, WEST));
            Worker westToEast = Worker.of(services, backward, state, conflicts, clock, Direction.of(WEST, EAST));
            try (eastToWest; westToEast) {
                MongoCollection<Document> east = env.client(EAST).getDatabase("devflow").getCollection("shared");
                MongoCollection<Document> west = env.client(WEST).getDatabase("devflow").getCollection("shared");
                east.insertOne(new Document("_id", "created-before"));
                pollUntilQuiet(eastToWest, westToEast);
                assertThat(eastToWest.progress().phase()).isEqualTo(ReplicationProgress.Phase.STREAMING);
                assertThat(westToEast.progress().phase()).isEqualTo(ReplicationProgress.Phase.STREAMING);
                long copied = eastToWest.progress().appliedCount() + westToEast.progress().appliedCount();

                int writes = 100;
                for (int i = 0; i < writes; i++) {
                    east.insertOne(new Document("_id", "east-" + i).append("n", i));
                    west.insertOne(new Document("_id", "west-" + i).append("n", i));
                }
                for (int i = 0; i < 20; i++) {
                    east.updateOne(Filters.eq("_id", "east-" + i), Updates.set("changed", true));
                    west.updateOne(Filters.eq("_id", "west-" + i), Updates.set("changed", true));
                }
                for (int i = 90; i < writes; i++) {
                    east.deleteOne(Filters.eq("_id", "east-" + i));
                    west.deleteOne(Filters.eq("_id", "west-" + i));
                }
                pollUntilQuiet(eastToWest, westToEast);

                List<Document> eastDocuments = east.find().sort(new Document("_id", 1)).into(new ArrayList<>());
                assertThat(west.find().sort(new Document("_id", 1)).into(new ArrayList<>())).isEqualTo(eastDocuments);
                assertThat(eastDocuments).hasSize(1 + 2 * 90);
                int perSide = writes + 20 + 10;
                assertThat(eastToWest.progress().appliedCount() + westToEast.progress().appliedCount() - copied)
                        .as("each change applied once, in its own direction").isEqualTo(2L * perSide);
                // echoes count records (changes of one record in one batch count once): at least one for each of
                // the 90 records the other side still holds, at most one per change
                assertThat(eastToWest.progress().echoes()).as("west's changes coming back east to west").isBetween(90L, (long) perSide);
                assertThat(westToEast.progress().echoes()).isBetween(90L, (long) perSide);
                assertThat(conflicts.open()).as("its own writes are never conflicts").isEmpty();
            }
        }
    }

    /**
     * A rewrite cut off between its delete and its insert (the target failing mid-batch) leaves the record missing;
     * the replay restores it without calling it a conflict, while a deletion by someone else in the target still
     * is one.
     */
    @Test
    void shouldTellAnInterruptedRewriteFromADeletionInTheTarget() throws Exception {
        env = TestEnvironment.start(dir, dr -> ServerReplication.replication(dr, "manual"), EAST, WEST);
        DrServices services = env.services();
        ReplicationConfig config = services.config().replication().orElseThrow();
        Clock clock = Clock.systemUTC();
        try (RegionalStateStore state = ControlStates.of(services, clock)) {
            ConflictStore conflicts = new ConflictStore(state, TestKeys.conflictCipher());
            Worker worker = Worker.of(services, config, state, conflicts, clock, Direction.of(EAST, WEST));
            try (worker) {
                MongoCollection<Document> east = env.client(EAST).getDatabase("devflow").getCollection("things");
                MongoCollection<Document> west = env.client(WEST).getDatabase("devflow").getCollection("things");
                east.insertMany(List.of(new Document("_id", "cut").append("v", 1), new Document("_id", "gone").append("v", 1)));
                pollUntilQuiet(worker);
                assertThat(west.countDocuments()).isEqualTo(2);

                east.updateOne(Filters.eq("_id", "cut"), Updates.set("v", 2));
                east.updateOne(Filters.eq("_id", "gone"), Updates.set("v", 2));
                // as replication leaves the target when it fails after deleting "cut" and before inserting it again
                env.client(WEST).getDatabase("devflow_dr").getCollection("versions").insertOne(
                        new Document("_id", "in-flight devflow.things").append("ids", List.of("devflow.things \"cut\"")));
                west.deleteOne(Filters.eq("_id", "cut"));
                worker.replication().reset(worker.direction()); // as the service does after a failed round
                // and someone deletes "gone" in the target
                west.deleteOne(Filters.eq("_id", "gone"));
                pollUntilQuiet(worker);

                assertThat(west.find(Filters.eq("_id", "cut")).first()).isEqualTo(new Document("_id", "cut").append("v", 2));
                assertThat(conflicts.open()).singleElement().satisfies(c -> assertThat(c.record().key()).isEqualTo("\"gone\""));
                assertThat(west.countDocuments(Filters.eq("_id", "gone"))).as("manual: the target's deletion stands").isZero();
            }
        }
    }

    /**
     * The versions of records replication deleted are collected a day later, unless an open conflict holds one;
     * without its tombstone, a record someone writes again in the target is still told from replication's own.
     */
    @Test
    void shouldCollectTheVersionsOfRecordsDeletedOverADayAgo() throws Exception {
        env = TestEnvironment.start(dir, dr -> ServerReplication.replication(dr, "manual"), EAST, WEST);
        DrServices services = env.services();
        ReplicationConfig config = services.config().replication().orElseThrow();
        MutableClock clock = new MutableClock(Instant.now());
        try (RegionalStateStore state = ControlStates.of(services, Clock.systemUTC())) {
            ConflictStore conflicts = new ConflictStore(state, TestKeys.conflictCipher());
            Worker worker = Worker.of(services, config, state, conflicts, clock, Direction.of(EAST, WEST));
            try (worker) {
                MongoCollection<Document> east = env.client(EAST).getDatabase("devflow").getCollection("things");
                MongoCollection<Document> west = env.client(WEST).getDatabase("devflow").getCollection("things");
                MongoCollection<Document> versions = env.client(WEST).getDatabase("devflow_dr").getCollection("versions");
                east.insertMany(Stream.of("old-1", "old-2", "held", "young", "kept")
                        .map(id -> new Document("_id", id).append("v", 1)).toList());
                pollUntilQuiet(worker);
                east.deleteMany(Filters.in("_id", "old-1", "old-2", "held"));
                pollUntilQuiet(worker);
                assertThat(tombstones(versions)).containsExactlyInAnyOrder("old-1", "old-2", "held");

                // written again in both regions: a manual conflict holds the record
                west.insertOne(new Document("_id", "held").append("v", "west"));
                east.insertOne(new Document("_id", "held").append("v", "east"));
                pollUntilQuiet(worker);
                assertThat(conflicts.open()).singleElement().satisfies(c -> assertThat(c.record().key()).isEqualTo("\"held\""));

                clock.advance(Duration.ofHours(23));
                east.deleteOne(Filters.eq("_id", "young"));
                pollUntilQuiet(worker);
                clock.advance(Duration.ofHours(2));
                east.updateOne(Filters.eq("_id", "kept"), Updates.set("v", 2));
                pollUntilQuiet(worker);

                assertThat(tombstones(versions)).as("a day old and not held: collected")
                        .containsExactlyInAnyOrder("held", "young");
                assertThat(versions.countDocuments(Filters.in("_id", "devflow.things \"old-1\"", "devflow.things \"old-2\"")))
                        .isZero();
                assertThat(west.find(Filters.eq("_id", "kept")).first()).isEqualTo(new Document("_id", "kept").append("v", 2));

                // someone writes a collected record again in the target: still a conflict when the source does too
                west.insertOne(new Document("_id", "old-1").append("v", "west"));
                east.insertOne(new Document("_id", "old-1").append("v", "east"));
                pollUntilQuiet(worker);
                assertThat(conflicts.open()).extracting(c -> c.record().key()).containsExactlyInAnyOrder("\"held\"", "\"old-1\"");
                assertThat(west.find(Filters.eq("_id", "old-1")).first()).isEqualTo(new Document("_id", "old-1").append("v", "west"));
            }
        }
    }

    /**
     * The CLI resolves a conflict while {@code dr server} runs: a source change made during the resolution is
     * read and held by the server's worker, whose stream then moves on. The resolution replicates it once it
     * has lifted the hold, so the target ends with the source's latest version and nothing waits.
     */
    @Test
    void shouldReplicateASourceChangeHeldByAnotherProcessWhileTheResolutionRan() throws Exception {
        env = TestEnvironment.start(dir, dr -> ServerReplication.replication(dr, "manual"), EAST, WEST);
        DrServices services = env.services();
        ReplicationConfig config = services.config().replication().orElseThrow();
        Clock clock = Clock.systemUTC();
        Direction direction = Direction.of(EAST, WEST);
        try (RegionalStateStore state = ControlStates.of(services, clock)) {
            ConflictStore conflicts = new ConflictStore(state, TestKeys.conflictCipher());
            Worker server = Worker.of(services, config, state, conflicts, clock, direction);
            TrippingClock cliClock = new TrippingClock();
            MongoReplication cli = replication(services, config, state, conflicts, cliClock,
                    new ProgressBoard(Clock.systemUTC()));
            try (server; cli) {
                MongoCollection<Document> east = env.client(EAST).getDatabase("devflow").getCollection("things");
                MongoCollection<Document> west = env.client(WEST).getDatabase("devflow").getCollection("things");
                east.insertOne(new Document("_id", "r").append("v", 1));
                pollUntilQuiet(server);
                west.updateOne(Filters.eq("_id", "r"), Updates.set("v", "west"));
                east.updateOne(Filters.eq("_id", "r"), Updates.set("v", "east"));
                pollUntilQuiet(server);
                Conflict open = conflicts.open().get(0);

                // between the resolution's reads and its writes, the source changes and the server holds the change
                cliClock.onRead(1, () -> {
                    east.updateOne(Filters.eq("_id", "r"), Updates.set("v", "later"));
                    try {
                        pollUntilQuiet(server);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    assertThat(conflicts.get(open.id()).laterSourceVersions()).as("the change was held").isEqualTo(1);
                });
                conflicts.save(cli.resolve(open, Resolution.parse("source"), "test"));
                assertThat(cliClock.tripped()).isTrue();
                pollUntilQuiet(server);

                assertThat(west.find(Filters.eq("_id", "r")).first()).isEqualTo(new Document("_id", "r").append("v", "later"));
                assertThat(conflicts.open()).isEmpty();
                east.updateOne(Filters.eq("_id", "r"), Updates.set("v", "after"));
                pollUntilQuiet(server);
                assertThat(west.find(Filters.eq("_id", "r")).first()).isEqualTo(new Document("_id", "r").append("v", "after"));
                assertThat(conflicts.open()).isEmpty();
            }
        }
    }

    /** The records of {@code devflow.things} whose version in the target is a tombstone. */
    private static List<String> tombstones(MongoCollection<Document> versions) {
        return versions.find(Filters.exists("d")).map(d -> d.getString("_id"))
                .map(id -> id.substring("devflow.things \"".length(), id.length() - 1)).into(new ArrayList<>());
    }

    /** A replication as the server builds one, checkpointing every second, on the given clock. */
    private static MongoReplication replication(DrServices services, ReplicationConfig config, RegionalStateStore state,
                                                ConflictStore conflicts, Clock clock, ProgressBoard progress) {
        return new MongoReplication(services.regions(), config, conflicts, new Checkpoints(state, Duration.ofSeconds(1), clock),
                progress, clock);
    }

    /** Polls both directions until a round applies and skips nothing. */
    private static void pollUntilQuiet(Worker... workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int quietRounds = 0;
        while (quietRounds < 5) {
            assertThat(System.nanoTime()).as("replication settles within 60 s").isLessThan(deadline);
            boolean busy = false;
            for (Worker worker : workers) {
                busy |= worker.poll();
            }
            quietRounds = busy ? 0 : quietRounds + 1;
            Thread.sleep(50);
        }
    }

    /** One direction's replication driven round by round as its worker route drives it. */
    private record Worker(MongoReplication replication, ProgressBoard board, Direction direction,
                          ReplicationConfig config, ConflictStore conflicts, Clock clock) implements AutoCloseable {

        static Worker of(DrServices services, ReplicationConfig config, RegionalStateStore state, ConflictStore conflicts,
                         Clock clock, Direction direction) {
            ProgressBoard board = new ProgressBoard(Clock.systemUTC());
            MongoReplication replication = MongoReplicationIT.replication(services, config, state, conflicts, clock, board);
            return new Worker(replication, board, direction, config, conflicts, clock);
        }

        ReplicationProgress progress() {
            return board.of(direction, StoreKind.MONGODB);
        }

        /** Whether the round found anything to do. */
        boolean poll() {
            ReplicationProgress progress = progress();
            long before = progress.appliedCount() + progress.echoes();
            ReplicationRound.Result round = ReplicationRound.run(replication, direction, config, conflicts, clock);
            assertThat(round.failures()).isEmpty();
            return round.more() || progress.appliedCount() + progress.echoes() != before
                    || progress.phase() != ReplicationProgress.Phase.STREAMING;
        }

        @Override
        public void close() {
            replication.close();
        }
    }

    /** Inserts, updates, replacements and deletes at random until told to stop. */
    private static void write(MongoCollection<Document> collection, long seed, AtomicBoolean writing, AtomicInteger writes) {
        Random random = new Random(seed);
        int base = 10_000 * (int) seed;
        int next = base;
        while (writing.get()) {
            int op = random.nextInt(10);
            int id = random.nextBoolean() || next == base ? random.nextInt(300) : base + random.nextInt(next - base);
            try {
                if (op < 4) {
                    collection.insertOne(BsonSamples.everyType(next).append("_id", next));
                    next++;
                    writes.incrementAndGet();
                } else if (op < 7) {
                    if (collection.updateOne(Filters.eq("_id", id), Updates.inc("counter", 1)).getModifiedCount() > 0) {
                        writes.incrementAndGet();
                    }
                } else if (op < 9) {
                    if (collection.replaceOne(Filters.eq("_id", id), BsonSamples.everyType(id).append("_id", id).append("replaced", op))
                            .getModifiedCount() > 0) {
                        writes.incrementAndGet();
                    }
                } else if (collection.deleteOne(Filters.eq("_id", id)).getDeletedCount() > 0) {
                    writes.incrementAndGet();
                }
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void awaitSameData(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SectionSummary> source = MongoFingerprints.ofDatabase(env.client(EAST), "devflow");
        List<SectionSummary> target = List.of();
        while (System.nanoTime() < deadline) {
            try (MongoClient west = MongoClients.create(env.mongo(WEST).connectionString())) {
                target = MongoFingerprints.ofDatabase(west, "devflow");
            }
            if (target.equals(source)) {
                return;
            }
            Thread.sleep(250);
        }
        assertThat(target).as("target collections (count, bytes, fingerprint)").isEqualTo(source);
    }
}
