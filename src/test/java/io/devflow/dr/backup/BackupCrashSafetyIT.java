package io.devflow.dr.backup;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup whose source dies in the middle of a multipart upload: after the retries it is recorded as
 * failed, nothing of it looks completed, and no multipart upload is left open.
 */
class BackupCrashSafetyIT {

    @TempDir
    Path dir;
    TestEnvironment env;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, EAST);
        // ~24 MiB of incompressible data in 3,000 documents: several 5 MiB parts, several cursor batches
        var blobs = env.client(EAST).getDatabase("devflow").getCollection("blobs");
        for (int batch = 0; batch < 3; batch++) {
            int first = batch * 1_000;
            blobs.insertMany(IntStream.range(first, first + 1_000).mapToObj(i -> BsonSamples.large(8 * 1024, i)).toList());
        }
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldLeaveNoCommittedBackupAndNoOpenUploadWhenTheDatabaseDiesMidway() throws Exception {
        DrServices services = env.services();
        Progress progress = new Progress();
        Thread killer = new Thread(() -> {
            while (progress.bytes() < 10L * 1024 * 1024) {
                Thread.onSpinWait();
            }
            env.mongo(EAST).kill();
        });
        killer.start();

        BackupRecord record;
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            record = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test", progress),
                    BackupRecord.class);
        }
        killer.join();

        assertThat(record.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(record.error()).containsIgnoringCase("mongo");
        S3ObjectStore bucket = env.bucketStore(EAST);
        assertThat(bucket.pendingUploads("")).isEmpty();
        List<ObjectStore.ObjectInfo> objects = bucket.list("");
        assertThat(objects).extracting(ObjectStore.ObjectInfo::key)
                .noneMatch(k -> k.endsWith("/manifest.json"))
                .noneMatch(k -> k.endsWith("/data.dre"))
                .anyMatch(k -> k.endsWith(record.id() + "/failure.json"));
        BackupCatalog.Listing listing = services.catalog().list(Optional.empty(), Optional.empty());
        assertThat(listing.backups()).extracting(BackupRecord::id, BackupRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(record.id(), BackupStatus.FAILED));
        assertThat(services.metrics().registry().get("dr.backup")
                .tags("store", "mongodb", "type", "full", "region", EAST, "result", "failure").counter().count())
                .isEqualTo(1.0);
    }
}
