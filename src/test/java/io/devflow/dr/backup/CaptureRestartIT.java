package io.devflow.dr.backup;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.embedded.EmbeddedS3;
import io.devflow.dr.recovery.PointInTimeRecovery;
import io.devflow.dr.store.mongodb.MongoFingerprints;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture worker is stopped while writes go on, once gracefully (its open segment is committed early) and
 * once by a crash of its storage (the open segment is lost); each restart continues from the last committed
 * segment. Afterwards the increments hold every change exactly once and a restore equals the source.
 */
class CaptureRestartIT {

    @TempDir
    Path dir;
    TestEnvironment env;
    MongoCollection<Document> items;
    final AtomicInteger operations = new AtomicInteger();

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, EAST, WEST);
        items = env.client(EAST).getDatabase("devflow").getCollection("items");
        for (int i = 0; i < 50; i++) {
            items.insertOne(new Document("_id", i).append("v", 0));
        }
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldLoseAndDuplicateNothingAcrossAStopAndACrash() throws Exception {
        DrServices first = env.services();
        BackupRecord full = backUp(first, new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"));
        assertThat(full.status()).isEqualTo(BackupStatus.COMPLETED);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(this::writeSteadily);

        // a worker that is shut down while writes go on: its segment closes early and is committed
        CompletableFuture<BackupRecord> running = capture(first, Instant.now().plusSeconds(60));
        Thread.sleep(2_500);
        first.beginShutdown();
        BackupRecord stopped = running.get();
        assertThat(stopped.status()).as(String.valueOf(stopped.error())).isEqualTo(BackupStatus.COMPLETED);

        // a worker whose storage dies under it: its segment is never committed
        DrServices second = env.services();
        CompletableFuture<BackupRecord> doomed = capture(second, Instant.now().plusSeconds(15));
        long planned = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (second.running().all().isEmpty() && !doomed.isDone() && System.nanoTime() < planned) {
            Thread.sleep(50); // storage dies only once the segment has been planned (its parent read from S3)
        }
        assertThat(second.running().all()).as("the doomed capture is under way").isNotEmpty();
        int s3Port = env.s3(EAST).port();
        env.s3(EAST).close();
        BackupRecord crashed = doomed.get();
        assertThat(crashed.status()).isEqualTo(BackupStatus.FAILED);
        try (EmbeddedS3 restarted = EmbeddedS3.start(dir.resolve("s3-" + EAST), TestEnvironment.bucket(EAST),
                "secret-" + EAST, s3Port)) {
            writer.get();
            // the restarted worker catches up from the last committed segment
            DrServices third = env.services();
            BackupRecord resumed = backUp(third, new BackupRequest(BackupType.INCREMENTAL, StoreKind.MONGODB,
                    RegionId.of(EAST), "test"));
            assertThat(resumed.status()).as(String.valueOf(resumed.error())).isEqualTo(BackupStatus.COMPLETED);
            assertThat(resumed.parent()).isEqualTo(stopped.id());
            assertThat(stopped.items() + resumed.items()).as("every change captured exactly once")
                    .isEqualTo(operations.get());

            PointInTimeRecovery.Plan plan = third.pointInTime().plan(resumed.manifest().coveredUntil(),
                    Optional.of(StoreKind.MONGODB), RegionId.of(WEST), List.of());
            third.pointInTime().restore(plan, new Progress());
            assertThat(fingerprint(WEST)).isEqualTo(fingerprint(EAST));
        }
    }

    private void writeSteadily() {
        Random random = new Random(3);
        long until = System.currentTimeMillis() + 6_000;
        int next = 1_000;
        while (System.currentTimeMillis() < until) {
            switch (random.nextInt(3)) {
                case 0 -> items.insertOne(new Document("_id", next++).append("v", random.nextInt()));
                case 1 -> items.updateOne(Filters.eq("_id", random.nextInt(50)), Updates.set("v", random.nextInt()));
                default -> {
                    int id = random.nextInt(50);
                    items.replaceOne(Filters.eq("_id", id), new Document("_id", id).append("replaced", random.nextInt()));
                }
            }
            operations.incrementAndGet();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private SectionSummary fingerprint(String region) {
        return MongoFingerprints.of(env.client(region), "devflow", "items");
    }

    private CompletableFuture<BackupRecord> capture(DrServices services, Instant until) {
        return CompletableFuture.supplyAsync(() -> backUp(services, new BackupRequest(BackupType.INCREMENTAL,
                StoreKind.MONGODB, RegionId.of(EAST), "test", until, new Progress())));
    }

    private static BackupRecord backUp(DrServices services, BackupRequest request) {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            return runtime.producer().requestBody("direct:backup", request, BackupRecord.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
