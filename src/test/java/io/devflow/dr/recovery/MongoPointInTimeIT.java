package io.devflow.dr.recovery;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Known changes at known times, captured into incremental segments while they happen (as the capture worker
 * does), then restored to instants between them: each restore equals the source as it was at that instant,
 * document for document. A gap in the chain is refused before anything is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoPointInTimeIT {

    TestEnvironment env;
    DrServices services;
    MongoCollection<Document> items;
    BackupRecord full;
    final List<BackupRecord> segments = new ArrayList<>();
    /** The source's collections, exactly as they were at each instant. */
    final Map<Instant, Map<String, List<ByteBuffer>>> states = new LinkedHashMap<>();

    @BeforeAll
    void captureChangesAtKnownTimes(@TempDir Path dir) throws Exception {
        env = TestEnvironment.start(dir, EAST, WEST);
        services = env.services();
        items = env.client(EAST).getDatabase("devflow").getCollection("items");
        for (int i = 0; i < 5; i++) {
            items.insertOne(new Document("_id", "item-" + i).append("v", 0).append("tags", List.of("a")));
        }
        full = backUp(new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"));
        assertThat(full.status()).as(String.valueOf(full.error())).isEqualTo(BackupStatus.COMPLETED);

        // segment 1 captures change sets A and B while they happen
        CompletableFuture<BackupRecord> first = capture(Instant.now().plusSeconds(6));
        Thread.sleep(1_200);
        items.insertOne(new Document("_id", "item-5").append("v", 0));
        items.updateOne(Filters.eq("_id", "item-0"), Updates.set("v", 1));
        items.deleteOne(Filters.eq("_id", "item-1"));
        rememberStateAfterASecond();
        items.updateOne(Filters.eq("_id", "item-0"), Updates.combine(Updates.set("v", 2), Updates.unset("tags")));
        items.replaceOne(Filters.eq("_id", "item-2"), new Document("_id", "item-2").append("replaced", true));
        rememberStateAfterASecond();
        segments.add(first.get());

        // segment 2: change set C, including a collection created after the full backup
        CompletableFuture<BackupRecord> second = capture(Instant.now().plusSeconds(4));
        Thread.sleep(800);
        items.deleteOne(Filters.eq("_id", "item-5"));
        env.client(EAST).getDatabase("devflow").getCollection("late").insertOne(BsonSamples.everyType(7));
        rememberStateAfterASecond();
        segments.add(second.get());
        for (BackupRecord segment : segments) {
            assertThat(segment.status()).as(String.valueOf(segment.error())).isEqualTo(BackupStatus.COMPLETED);
        }
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    void shouldChainSegmentsWithoutGaps() {
        assertThat(segments.get(0).parent()).isEqualTo(full.id());
        assertThat(segments.get(1).parent()).isEqualTo(segments.get(0).id());
        assertThat(segments.get(1).manifest().positions().start()).isEqualTo(segments.get(0).manifest().positions().end());
        assertThat(segments.get(0).items() + segments.get(1).items()).isEqualTo(7);
    }

    @Test
    void shouldRestoreExactlyTheStateAtEachInstantBetweenChanges() {
        int n = 0;
        for (Map.Entry<Instant, Map<String, List<ByteBuffer>>> state : states.entrySet()) {
            String database = "pitr_" + n++;
            PointInTimeRecovery.Plan plan = services.pointInTime().plan(state.getKey(), Optional.of(StoreKind.MONGODB),
                    RegionId.of(WEST), List.of(database));
            services.pointInTime().restore(plan, new Progress());

            for (Map.Entry<String, List<ByteBuffer>> collection : state.getValue().entrySet()) {
                assertThat(BsonSamples.rawDocuments(env.client(WEST), database, collection.getKey()))
                        .as(state.getKey() + " " + collection.getKey())
                        .isEqualTo(collection.getValue());
            }
        }
    }

    @Test
    void shouldRefuseAChainWithAMissingSegmentAndWriteNothing() throws Exception {
        Instant last = states.keySet().stream().reduce((a, b) -> b).orElseThrow();
        S3ObjectStore bucket = env.bucketStore(EAST);
        String manifestKey = new ObjectLayout("dr").manifest(StoreKind.MONGODB, BackupId.parse(segments.get(0).id()).orElseThrow());
        byte[] manifest = bucket.getBytes(manifestKey).orElseThrow();
        bucket.delete(manifestKey);
        try {
            assertThatThrownBy(() -> services.pointInTime().plan(last, Optional.of(StoreKind.MONGODB), RegionId.of(WEST),
                    List.of("never_written")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("gap").hasMessageContaining(segments.get(0).id());
            assertThat(env.client(WEST).listDatabaseNames().into(new ArrayList<>())).doesNotContain("never_written");
        } finally {
            bucket.put(manifestKey, manifest, "application/json");
        }
    }

    @Test
    void shouldRefuseAnInstantNoSegmentReaches() {
        Instant beyond = segments.get(1).manifest().coveredUntil().plusSeconds(3_600);

        assertThatThrownBy(() -> services.pointInTime().plan(beyond.isAfter(Instant.now()) ? Instant.now() : beyond,
                Optional.of(StoreKind.MONGODB), RegionId.of(WEST), List.of()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("latest instant that can be restored");
    }

    private void rememberStateAfterASecond() throws InterruptedException {
        Thread.sleep(1_500);
        Map<String, List<ByteBuffer>> state = new LinkedHashMap<>();
        for (String name : List.of("items", "late")) {
            state.put(name, BsonSamples.rawDocuments(env.client(EAST), "devflow", name));
        }
        states.put(Instant.now(), state);
        Thread.sleep(1_500);
    }

    private CompletableFuture<BackupRecord> capture(Instant until) {
        return CompletableFuture.supplyAsync(() -> backUp(new BackupRequest(BackupType.INCREMENTAL, StoreKind.MONGODB,
                RegionId.of(EAST), "test", until, new Progress())));
    }

    private BackupRecord backUp(BackupRequest request) {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            return runtime.producer().requestBody("direct:backup", request, BackupRecord.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
