package io.devflow.dr.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.recovery.PointInTimeRecovery;
import io.devflow.dr.retention.RetentionService;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A manifest planted in the bucket by someone without the backup's key: a real backup's manifest copied under a
 * newer, made-up backup id, with its fields edited to match its folder and its data object copied beside it. The
 * catalog's check of the seal makes it damaged: kept, but never counted as a completed backup, so retention keeps
 * the real backups, and neither the next incremental nor a point-in-time recovery builds on it.
 */
class ForgedManifestIT {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final ObjectLayout LAYOUT = new ObjectLayout("dr");

    @TempDir
    Path dir;
    TestEnvironment env;
    S3ObjectStore bucket;
    DrServices services;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, dr -> ((ObjectNode) dr.get("backup")).putObject("retention")
                .put("daily", 1).put("weekly", 0).put("monthly", 0), EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 50).mapToObj(BsonSamples::everyType).toList());
        bucket = env.bucketStore(EAST);
        services = env.services();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldListAForgedManifestAsDamagedAndBuildNothingOnIt() throws Exception {
        BackupRecord older = backUp(BackupType.FULL);
        BackupRecord increment = backUp(BackupType.INCREMENTAL);
        BackupRecord newest = backUp(BackupType.FULL);
        BackupId forged = forgeNewerCopyOf(newest);

        BackupCatalog.Listing listing = services.catalog().list(Optional.of(StoreKind.MONGODB), Optional.empty());
        assertThat(statuses(listing.backups())).containsEntry(older.id(), BackupStatus.COMPLETED)
                .containsEntry(increment.id(), BackupStatus.COMPLETED).containsEntry(newest.id(), BackupStatus.COMPLETED)
                .containsEntry(forged.value(), BackupStatus.DAMAGED);
        assertThat(byId(listing.backups(), forged.value()).error()).contains(forged.value()).contains("altered or copied");
        assertThat(services.meterRegistry().get("dr.backup.damaged.manifests")
                .tags("store", "mongodb", "region", EAST).gauge().value()).isEqualTo(1.0);

        BackupRecord next = backUp(BackupType.INCREMENTAL);
        assertThat(next.parent()).as("the next increment continues the newest real full backup").isEqualTo(newest.id());

        PointInTimeRecovery.Plan plan = services.pointInTime().plan(next.manifest().coveredUntil(),
                Optional.of(StoreKind.MONGODB), RegionId.of(WEST), List.of("devflow_pitr"));
        assertThat(plan.stores().get(0).backups()).first().as("the base of the recovery").isEqualTo(newest.id());

        RetentionService.Report report = services.retention().apply(false);
        Map<String, String> actions = report.backups().stream()
                .collect(Collectors.toMap(RetentionService.Entry::id, RetentionService.Entry::action));
        assertThat(actions).containsEntry(older.id(), "keep").containsEntry(increment.id(), "keep")
                .containsEntry(newest.id(), "keep").containsEntry(next.id(), "keep").containsEntry(forged.value(), "keep");
        assertThat(manifests()).contains(older.id(), increment.id(), newest.id(), next.id(), forged.value());
        assertThatThrownBy(() -> services.restoreService().plan(forged, RegionId.of(WEST), List.of()))
                .isInstanceOf(ArchiveIntegrityException.class).hasMessageContaining(forged.value());
    }

    /** A copy of a real backup under an id one second newer, edited to look like its own backup. */
    private BackupId forgeNewerCopyOf(BackupRecord real) throws Exception {
        BackupId realId = BackupId.parse(real.id()).orElseThrow();
        Instant started = realId.startedAt().plusSeconds(1);
        BackupId forged = new BackupId("backup-full-" + STAMP.format(started) + "-f0rged");
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(
                bucket.getBytes(LAYOUT.manifest(StoreKind.MONGODB, realId)).orElseThrow());
        manifest.put("id", forged.value());
        manifest.put("startedAt", real.manifest().startedAt().plusSeconds(1).toString());
        manifest.put("completedAt", real.manifest().completedAt().plusSeconds(1).toString());
        manifest.put("coveredUntil", real.manifest().coveredUntil().plusSeconds(1).toString());
        ((ObjectNode) manifest.get("object")).put("key", LAYOUT.data(StoreKind.MONGODB, forged));
        try (InputStream data = bucket.open(real.manifest().object().key())) {
            bucket.put(LAYOUT.data(StoreKind.MONGODB, forged), data.readAllBytes(), "application/octet-stream");
        }
        bucket.put(LAYOUT.manifest(StoreKind.MONGODB, forged), Json.bytes(manifest), "application/json");
        return forged;
    }

    private Set<String> manifests() {
        return bucket.list("dr/").stream().map(ObjectStore.ObjectInfo::key).filter(k -> k.endsWith("/manifest.json"))
                .map(k -> k.split("/")[5]).collect(Collectors.toSet());
    }

    private static Map<String, BackupStatus> statuses(List<BackupRecord> backups) {
        return backups.stream().collect(Collectors.toMap(BackupRecord::id, BackupRecord::status));
    }

    private static BackupRecord byId(List<BackupRecord> backups, String id) {
        return backups.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    private BackupRecord backUp(BackupType type) throws Exception {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            BackupRecord record = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(type, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
            assertThat(record.status()).as(String.valueOf(record.error())).isEqualTo(BackupStatus.COMPLETED);
            Thread.sleep(1_100);
            return record;
        }
    }
}
