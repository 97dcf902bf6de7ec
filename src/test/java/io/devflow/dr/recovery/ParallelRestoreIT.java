package io.devflow.dr.recovery;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Restores write several collections, and several batches of one collection, at once behind the one archive
 * reader: the result must be exactly the backup, and one collection's failing write must fail the whole restore,
 * naming the collection, without leaving a worker behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelRestoreIT {

    // three batches of the restorer's 1,000 documents, and a part batch
    private static final int DOCUMENTS = 3_400;
    private static final List<String> COLLECTIONS = List.of("c1", "c2", "c3", "c4", "c5", "c6");

    TestEnvironment env;
    DrServices services;
    BackupRecord backup;

    @BeforeAll
    void backUp(@TempDir Path dir) throws Exception {
        env = TestEnvironment.start(dir, EAST, WEST);
        MongoClient source = env.client(EAST);
        for (String collection : COLLECTIONS) {
            var target = source.getDatabase("devflow").getCollection(collection);
            target.insertMany(IntStream.range(0, DOCUMENTS).mapToObj(i -> new Document("_id", collection + "-" + i)
                    .append("n", i).append("payload", "x".repeat(i % 200)).append("tags", List.of(collection, i % 7)))
                    .toList());
            target.createIndex(Indexes.ascending("n"), new IndexOptions().unique(true).name("n_unique"));
            target.createIndex(Indexes.compoundIndex(Indexes.descending("n"), Indexes.ascending("payload")),
                    new IndexOptions().unique(true).name("n_payload"));
        }
        services = env.services();
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            backup = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
        }
        assertThat(backup.isCompleted()).as(String.valueOf(backup.error())).isTrue();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    void shouldRestoreSeveralCollectionsAtOnceToExactlyTheBackupsFingerprints() {
        RestoreService.Plan plan = services.restoreService().plan(BackupId.parse(backup.id()).orElseThrow(),
                RegionId.of(WEST), List.of("devflow_parallel"));

        RestoreService.Report report = services.restoreService().restore(plan, new Progress());

        assertThat(report.total()).isEqualTo((long) COLLECTIONS.size() * DOCUMENTS);
        List<SectionSummary> restored = services.stores().get(StoreKind.MONGODB)
                .fingerprint(services.regions().get(RegionId.of(WEST)), plan.databases());
        assertThat(fingerprints(restored.stream().map(Manifest.Section::of).toList()))
                .hasSize(COLLECTIONS.size())
                .isEqualTo(fingerprints(backup.manifest().sections()));
        MongoClient target = env.client(WEST);
        for (String collection : COLLECTIONS) {
            assertThat(target.getDatabase("devflow_parallel").getCollection(collection).listIndexes()
                    .map(i -> i.getString("name")).into(new ArrayList<>()))
                    .as(collection).contains("n_unique", "n_payload");
        }
    }

    @Test
    void shouldFailTheRestoreNamingTheCollectionWhoseWriteFailedAndLeaveNoWorkerRunning() throws Exception {
        // the target's c2 exists with a unique index that a document of the backup violates: its upserts fail
        var refusing = env.client(WEST).getDatabase("devflow_failing").getCollection("c2");
        refusing.createIndex(Indexes.ascending("n"), new IndexOptions().unique(true));
        refusing.insertOne(new Document("_id", "not-in-the-backup").append("n", 1_500));
        RestoreService.Plan plan = services.restoreService().plan(BackupId.parse(backup.id()).orElseThrow(),
                RegionId.of(WEST), List.of("devflow_failing"));

        assertTimeoutPreemptively(Duration.ofMinutes(3), () ->
                assertThatThrownBy(() -> services.restoreService().restore(plan, new Progress()))
                        .hasMessageContaining("documents to devflow_failing.c2")
                        .hasMessageContaining("duplicate key"));

        Poll.until("every restore worker has stopped", Duration.ofSeconds(30), () -> writers().isEmpty());
        assertThat(writers()).isEmpty();
        assertThat(refusing.find(new Document("n", 1_500)).first()).containsEntry("_id", "not-in-the-backup");
    }

    private static List<String> writers() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("restore-") && name.contains("-mongodb-")).toList();
    }

    private static Map<String, String> fingerprints(List<Manifest.Section> sections) {
        Map<String, String> result = new LinkedHashMap<>();
        sections.forEach(s -> result.put(s.name(), s.items() + " " + s.fingerprint()));
        return result;
    }
}
