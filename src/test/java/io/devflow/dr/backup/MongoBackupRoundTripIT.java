package io.devflow.dr.backup;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full backup through the real pipeline route (MongoDB -> zstd -> Tink -> s3proxy), restored into another
 * region under another database name, compared document by document, byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoBackupRoundTripIT {

    TestEnvironment env;
    DrServices services;
    BackupRecord backup;

    @BeforeAll
    void backUpSampleData(@TempDir Path dir) throws Exception {
        env = TestEnvironment.start(dir, EAST, WEST);
        MongoClient source = env.client(EAST);
        source.getDatabase("devflow").getCollection("everything")
                .insertMany(IntStream.range(0, 500).mapToObj(BsonSamples::everyType).toList());
        var large = source.getDatabase("devflow").getCollection("large");
        large.insertOne(BsonSamples.large(15 * 1024 * 1024 + 700 * 1024, 1));
        large.insertOne(BsonSamples.large(12 * 1024 * 1024, 2));
        large.insertOne(new Document("_id", "small").append("note", "between the giants"));
        var users = source.getDatabase("devflow").getCollection("users");
        users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true).name("email_unique"));
        users.insertMany(IntStream.range(0, 2_000)
                .mapToObj(i -> new Document("email", "u" + i + "@example.com").append("n", i)).toList());
        source.getDatabase("devflow").createCollection("empty");

        services = env.services();
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            backup = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
        }
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    void shouldCommitAVerifiedBackupWithCountsPerCollection() {
        assertThat(backup.status()).isEqualTo(BackupStatus.COMPLETED);
        assertThat(backup.verification()).isEqualTo("full: passed");
        assertThat(backup.manifest().sections()).extracting(s -> s.name() + "=" + s.items())
                .containsExactly("devflow.empty=0", "devflow.everything=500", "devflow.large=3", "devflow.users=2000");
        assertThat(backup.items()).isEqualTo(2_503);
    }

    @Test
    void shouldRestoreEveryDocumentByteForByteIntoAnotherRegionAndDatabase() {
        RestoreService.Plan plan = services.restoreService().plan(BackupId.parse(backup.id()).orElseThrow(),
                RegionId.of(WEST), List.of("devflow_restored"));
        RestoreService.Report report = services.restoreService().restore(plan, new Progress());

        assertThat(report.total()).isEqualTo(2_503);
        MongoClient source = env.client(EAST);
        MongoClient target = env.client(WEST);
        for (String collection : List.of("everything", "large", "users", "empty")) {
            assertThat(BsonSamples.rawDocuments(target, "devflow_restored", collection))
                    .as(collection)
                    .isEqualTo(BsonSamples.rawDocuments(source, "devflow", collection));
        }
        List<String> indexes = target.getDatabase("devflow_restored").getCollection("users").listIndexes()
                .map(i -> i.getString("name")).into(new ArrayList<>());
        assertThat(indexes).contains("email_unique");
    }

    @Test
    void shouldPassRestoreLevelVerificationAndLeaveNoScratchDatabase() {
        VerificationRecord record = services.verifyService().verify(BackupId.parse(backup.id()).orElseThrow(),
                VerifyLevel.RESTORE, new Progress());

        assertThat(record.passed()).isTrue();
        assertThat(env.client(EAST).listDatabaseNames().into(new ArrayList<>()))
                .noneMatch(name -> name.startsWith("dr_verify_"));
    }

    @Test
    void shouldStoreNoPlaintextOfAnyDocumentInTheBucket() throws Exception {
        S3ObjectStore bucket = env.bucketStore(EAST);
        List<ObjectStore.ObjectInfo> objects = bucket.list("");
        assertThat(objects).extracting(ObjectStore.ObjectInfo::key)
                .anyMatch(k -> k.endsWith("/data.dre")).anyMatch(k -> k.endsWith("/manifest.json"));
        byte[] canary = BsonSamples.CANARY.getBytes(StandardCharsets.UTF_8);
        byte[] email = "u1999@example.com".getBytes(StandardCharsets.UTF_8);
        for (ObjectStore.ObjectInfo object : objects) {
            byte[] content;
            try (InputStream in = bucket.open(object.key())) {
                content = in.readAllBytes();
            }
            assertThat(indexOf(content, canary)).as(object.key()).isEqualTo(-1);
            assertThat(indexOf(content, email)).as(object.key()).isEqualTo(-1);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
