package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.runtime.DrRuntime;
import io.devflow.dr.runtime.DrServices;
import io.devflow.dr.store.StoreKind;
import io.devflow.dr.store.mongodb.MongoFingerprints;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    static final Map<String, String> FAST = Map.of(
            "dr.replication.controlPeriodMs", "200",
            "dr.replication.statusPeriodMs", "500",
            "dr.replication.mongodb.pollMs", "20");

    @TempDir
    Path dir;
    TestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    static void replication(ObjectNode dr, String strategy) {
        dr.with("backup").with("incremental").put("captureWorker", false);
        ObjectNode replication = dr.putObject("replication");
        replication.put("conflictResolution", strategy);
        replication.put("checkpointIntervalSeconds", 1);
    }

    @Test
    void shouldConvergeUnderConcurrentWritesAcrossWorkerAndTargetRestarts() throws Exception {
        env = TestEnvironment.startOnFiles(dir, dr -> replication(dr, "last-write-wins"), EAST, WEST);
        MongoCollection<Document> items = env.client(EAST).getDatabase("devflow").getCollection("items");
        MongoCollection<Document> events = env.client(EAST).getDatabase("devflow").getCollection("events");
        for (int i = 0; i < 300; i++) {
            items.insertOne(BsonSamples.everyType(i).append("_id", i));
            events.insertOne(BsonSamples.everyType(i).append("_id", i));
        }
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        DrServices firstServices = env.services();
        DrRuntime first = DrRuntime.start(firstServices, DrRuntime.Mode.SERVER, FAST);
        try {
            awaitStreaming(firstServices, Duration.ofSeconds(60));
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> write(items, 1, writing, writes));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> write(events, 2, writing, writes));
            Thread.sleep(1_500);
            first.close(); // the worker dies mid-stream
            DrServices secondServices = env.services();
            DrRuntime second = DrRuntime.start(secondServices, DrRuntime.Mode.SERVER, FAST);
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

    /** Waits for the initial sync to finish: from then on every write is a change event. */
    static void awaitStreaming(DrServices services, Duration timeout) throws InterruptedException {
        ReplicationProgress progress = services.replication().orElseThrow().progress(Direction.of(EAST, WEST), StoreKind.MONGODB);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (progress.phase() != ReplicationProgress.Phase.STREAMING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(progress.phase()).as("replication phase").isEqualTo(ReplicationProgress.Phase.STREAMING);
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
