package io.devflow.dr.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.cli.ExitCode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.retention.RetentionService;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.KmsProtocolTestEndpoint;
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
import java.util.ArrayList;
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
 * Backups whose keys KMS wraps, against {@link KmsProtocolTestEndpoint}: a backup another deployment wrote under
 * the same KMS key is refused, with a message that says so, even when its manifest is edited to name this
 * deployment; and while KMS cannot be reached the backups are unverified, not damaged, and retention deletes none.
 */
class KmsBackedCatalogIT {

    private static final ObjectLayout LAYOUT = new ObjectLayout("dr");

    @TempDir
    Path dir;
    KmsProtocolTestEndpoint kms;
    TestEnvironment env;
    S3ObjectStore bucket;
    String previousAccessKey;
    String previousSecretKey;

    @BeforeEach
    void start() {
        kms = KmsProtocolTestEndpoint.start();
        String keyId = kms.createKey("backups of every deployment");
        previousAccessKey = System.getProperty("aws.accessKeyId");
        previousSecretKey = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        env = TestEnvironment.start(dir, dr -> {
            ObjectNode backup = (ObjectNode) dr.get("backup");
            backup.putObject("encryption").put("provider", "aws-kms").put("keyId", keyId)
                    .put("endpoint", kms.endpoint().toString()).put("region", KmsProtocolTestEndpoint.REGION);
            backup.putObject("retention").put("daily", 1).put("weekly", 0).put("monthly", 0);
        }, EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 30).mapToObj(BsonSamples::everyType).toList());
        bucket = env.bucketStore(EAST);
    }

    @AfterEach
    void stop() {
        env.close();
        kms.close();
        restore("aws.accessKeyId", previousAccessKey);
        restore("aws.secretAccessKey", previousSecretKey);
    }

    @Test
    void shouldRefuseABackupCopiedInFromAnotherDeploymentUnderTheSameKey() throws Exception {
        env.drConfig().put("deploymentId", "devflow-staging");
        env.writeConfig();
        BackupRecord staging = backUp(env.services(), BackupType.FULL);
        env.drConfig().put("deploymentId", TestEnvironment.DEPLOYMENT);
        env.writeConfig();
        DrServices services = env.services();
        BackupId id = BackupId.parse(staging.id()).orElseThrow();

        BackupRecord listed = services.catalog().find(id).record();
        assertThat(listed.status()).isEqualTo(BackupStatus.DAMAGED);
        assertThat(listed.error()).contains("deployment 'devflow-staging'").contains("copied in from another deployment");
        assertThat(services.catalog().completed(StoreKind.MONGODB, services.regions().get(RegionId.of(EAST)))).isEmpty();
        CliRun restore = CliRun.of("--config", env.configFile().toString(), "restore", staging.id(),
                "--target-region", WEST, "--yes");
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(restore.err()).contains("restore stopped").contains("copied in from another deployment");
        assertThat(env.client(WEST).listDatabaseNames().into(new ArrayList<>())).doesNotContain("devflow");

        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(bucket.getBytes(LAYOUT.manifest(StoreKind.MONGODB, id))
                .orElseThrow());
        ((ObjectNode) manifest.get("encryption")).put("deploymentId", TestEnvironment.DEPLOYMENT);
        bucket.put(LAYOUT.manifest(StoreKind.MONGODB, id), Json.bytes(manifest), "application/json");

        BackupRecord relabelled = services.catalog().find(id).record();
        assertThat(relabelled.status()).isEqualTo(BackupStatus.DAMAGED);
        assertThat(relabelled.error()).contains("KMS cannot decrypt").contains("another deployment");
        assertThatThrownBy(() -> services.restoreService().plan(id, RegionId.of(WEST), List.of()))
                .isInstanceOf(ArchiveIntegrityException.class).hasMessageContaining(staging.id());
    }

    @Test
    void shouldUnwrapEachBackupsKeyOncePerProcessHoweverOftenItLists() throws Exception {
        DrServices writer = env.services();
        backUp(writer, BackupType.FULL);
        backUp(writer, BackupType.FULL);
        DrServices reader = env.services();
        long before = decrypts();

        for (int i = 0; i < 3; i++) {
            assertThat(reader.catalog().list(Optional.empty(), Optional.empty()).backups())
                    .extracting(BackupRecord::status).containsExactly(BackupStatus.COMPLETED, BackupStatus.COMPLETED);
        }

        assertThat(decrypts() - before).isEqualTo(2);
    }

    @Test
    void shouldDeleteNothingWhileKmsCannotBeReached() throws Exception {
        DrServices services = env.services();
        BackupRecord older = backUp(services, BackupType.FULL);
        BackupRecord increment = backUp(services, BackupType.INCREMENTAL);
        BackupRecord newest = backUp(services, BackupType.FULL);
        kms.close();

        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        DrServices inTwoDays = new DrServices(env.config(), new RegionDirectory(env.config()), later);
        try {
            List<BackupRecord> listed = inTwoDays.catalog().list(Optional.of(StoreKind.MONGODB), Optional.empty()).backups();
            assertThat(listed).extracting(BackupRecord::status).containsOnly(BackupStatus.UNVERIFIED);
            assertThat(listed).allSatisfy(b -> assertThat(b.error()).contains("KMS is unreachable"));

            RetentionService.Report report = inTwoDays.retention().apply(false);

            assertThat(report.backups()).extracting(RetentionService.Entry::id)
                    .containsExactlyInAnyOrder(older.id(), increment.id(), newest.id());
            assertThat(report.backups()).allSatisfy(e -> {
                assertThat(e.action()).isEqualTo("keep");
                assertThat(e.status()).isEqualTo("unverified");
            });
            assertThat(report.deleted()).isZero();
            assertThat(manifests()).containsExactlyInAnyOrder(older.id(), increment.id(), newest.id());
            assertThatThrownBy(() -> inTwoDays.verifyService().verify(BackupId.parse(newest.id()).orElseThrow(),
                    VerifyLevel.QUICK, new Progress()))
                    .hasMessageContaining("KMS is unreachable");
        } finally {
            inTwoDays.close();
        }
    }

    private long decrypts() {
        return kms.operations().stream().filter("Decrypt"::equals).count();
    }

    private Set<String> manifests() {
        return bucket.list("dr/").stream().map(ObjectStore.ObjectInfo::key).filter(k -> k.endsWith("/manifest.json"))
                .map(k -> k.split("/")[5]).collect(Collectors.toSet());
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

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }
}
