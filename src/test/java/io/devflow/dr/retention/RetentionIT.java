package io.devflow.dr.retention;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/** Retention against a real bucket: a dry run changes nothing; a real run deletes exactly what it reported. */
class RetentionIT {

    @TempDir
    Path dir;
    TestEnvironment env;
    S3ObjectStore bucket;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, dr -> ((ObjectNode) dr.get("backup")).putObject("retention")
                .put("daily", 1).put("weekly", 0).put("monthly", 0), EAST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 50).mapToObj(BsonSamples::everyType).toList());
        bucket = env.bucketStore(EAST);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldDeleteWhatThePolicyDoesNotKeepAndAbortAbandonedUploads() throws Exception {
        DrServices services = env.services();
        BackupRecord older = backUp(services, BackupType.FULL);
        BackupRecord increment = backUp(services, BackupType.INCREMENTAL);
        BackupRecord newest = backUp(services, BackupType.FULL);
        String abandoned = "dr/mongodb/2026/01/01/backup-full-20260101-000000-aaaaaa/data.dre";
        bucket.client().createMultipartUpload(b -> b.bucket(TestEnvironment.bucket(EAST)).key(abandoned));

        // two days later, with one daily full backup to keep
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        DrServices inTwoDays = new DrServices(env.config(), new RegionDirectory(env.config()), later);
        try {
            RetentionService.Report dryRun = inTwoDays.retention().apply(true);
            assertThat(actions(dryRun)).containsEntry(newest.id(), "keep")
                    .containsEntry(older.id(), "delete").containsEntry(increment.id(), "delete");
            assertThat(dryRun.abortedUploads()).containsExactly(abandoned);
            assertThat(keys()).anyMatch(k -> k.contains(older.id()));
            assertThat(bucket.pendingUploads("dr/")).hasSize(1);

            RetentionService.Report applied = inTwoDays.retention().apply(false);

            assertThat(actions(applied)).isEqualTo(actions(dryRun));
            assertThat(keys()).noneMatch(k -> k.contains(older.id()) || k.contains(increment.id()))
                    .anyMatch(k -> k.endsWith(newest.id() + "/manifest.json"));
            assertThat(bucket.pendingUploads("dr/")).isEmpty();
        } finally {
            inTwoDays.close();
        }
    }

    private Set<String> keys() {
        return bucket.list("dr/").stream().map(ObjectStore.ObjectInfo::key).collect(Collectors.toSet());
    }

    private static Map<String, String> actions(RetentionService.Report report) {
        return report.backups().stream().collect(Collectors.toMap(RetentionService.Entry::id, RetentionService.Entry::action));
    }

    private static BackupRecord backUp(DrServices services, BackupType type) throws Exception {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            BackupRecord record = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(type, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
            assertThat(record.status()).as(String.valueOf(record.error())).isEqualTo(BackupStatus.COMPLETED);
            Thread.sleep(1_100);
            return record;
        }
    }

}
