package io.devflow.dr.verification;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.cli.ExitCode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stored backups altered behind the tool's back: every alteration is refused with a message naming the
 * backup, by verification at the levels that can see it and by restore, which writes nothing.
 */
class BackupTamperIT {

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;
    S3ObjectStore bucket;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 3_000).mapToObj(BsonSamples::everyType).toList());
        services = env.services();
        bucket = env.bucketStore(EAST);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldRefuseAnObjectWithOneFlippedByte() throws Exception {
        BackupRecord backup = backUp();
        byte[] data = read(backup);
        data[data.length / 2] ^= 0x01;
        bucket.put(dataKey(backup), data, "application/octet-stream");

        for (VerifyLevel level : VerifyLevel.values()) {
            assertThatThrownBy(() -> services.verifyService().verify(id(backup), level, new Progress()))
                    .as(level.configName())
                    .isInstanceOf(ArchiveIntegrityException.class)
                    .hasMessageContaining("backup " + backup.id());
        }
        assertRestoreRefusedAndNothingWritten(backup);
        CliRun cli = CliRun.of("--config", env.configFile().toString(), "verify", backup.id());
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(cli.err()).startsWith("dr: verification failed: backup " + backup.id());
        assertThat(cli.errIsOneCleanLine()).as(cli.toString()).isTrue();
    }

    @Test
    void shouldRefuseATruncatedObject() throws Exception {
        BackupRecord backup = backUp();
        byte[] data = read(backup);
        bucket.put(dataKey(backup), Arrays.copyOf(data, data.length - 1_000), "application/octet-stream");

        assertThatThrownBy(() -> services.verifyService().verify(id(backup), VerifyLevel.QUICK, new Progress()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining(backup.id()).hasMessageContaining("truncated or replaced");
        assertRestoreRefusedAndNothingWritten(backup);
    }

    @Test
    void shouldRefuseTheWrongKey() throws Exception {
        BackupRecord backup = backUp();
        ObjectNode keyring = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(dir.resolve("keyring.json")));
        // same key id, different key material: what a restored-from-elsewhere or corrupted keyring looks like
        ((ObjectNode) keyring.get("keys").get(0)).put("material", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        Files.write(dir.resolve("keyring.json"), Json.bytes(keyring));
        DrServices withWrongKey = env.services();

        assertThatThrownBy(() -> withWrongKey.verifyService().verify(id(backup), VerifyLevel.FULL, new Progress()))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining(backup.id()).hasMessageContaining("wrong key");
        assertThatThrownBy(() -> withWrongKey.restoreService().restore(withWrongKey.restoreService()
                .plan(id(backup), RegionId.of(WEST), List.of()), new Progress()))
                .isInstanceOf(KeyUnavailableException.class);
        assertThat(env.client(WEST).listDatabaseNames().into(new ArrayList<>())).doesNotContain("devflow");
        CliRun cli = CliRun.of("--config", env.configFile().toString(), "restore", backup.id(),
                "--target-region", WEST, "--yes");
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(cli.err()).contains("restore stopped").contains(backup.id()).contains("wrong key");
        assertThat(cli.errIsOneCleanLine()).as(cli.toString()).isTrue();
        assertThat(withWrongKey.catalog().find(id(backup)).record().verification())
                .as("a wrong keyring is no verdict on the backup").isEqualTo(backup.verification());
    }

    @Test
    void shouldRefuseAManifestSwappedInFromAnotherBackup() {
        BackupRecord first = backUp();
        BackupRecord second = backUp();
        byte[] secondManifest = bucket.getBytes(manifestKey(second)).orElseThrow();
        bucket.put(manifestKey(first), secondManifest, "application/json");

        assertThatThrownBy(() -> services.verifyService().verify(id(first), VerifyLevel.QUICK, new Progress()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining(first.id()).hasMessageContaining("belongs to backup " + second.id());
        BackupCatalog.Located located = services.catalog().find(id(first));
        assertThat(located.record().status()).isEqualTo(BackupStatus.DAMAGED);
        assertThat(located.record().error()).contains("belongs to backup " + second.id());
        CliRun cli = CliRun.of("--config", env.configFile().toString(), "restore", first.id(), "--target-region", WEST, "--yes");
        assertThat(cli.exitCode()).as("damage is a failed operation, not a usage error: " + cli).isEqualTo(ExitCode.FAILED);
        assertThat(cli.err()).contains("restore stopped").contains("manifests were swapped or copied");
    }

    @Test
    void shouldRefuseAnEditedManifest() throws Exception {
        BackupRecord backup = backUp();
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(bucket.getBytes(manifestKey(backup)).orElseThrow());
        manifest.put("items", 1);
        bucket.put(manifestKey(backup), Json.bytes(manifest), "application/json");

        assertThatThrownBy(() -> services.verifyService().verify(id(backup), VerifyLevel.QUICK, new Progress()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining(backup.id()).hasMessageContaining("altered");
    }

    @Test
    void shouldRefuseADataObjectSwappedInFromAnotherBackup() throws Exception {
        BackupRecord first = backUp();
        BackupRecord second = backUp();
        bucket.put(dataKey(first), read(second), "application/octet-stream");

        assertThatThrownBy(() -> services.verifyService().verify(id(first), VerifyLevel.FULL, new Progress()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining(first.id());
    }

    @Test
    void shouldShowOnlyAVerificationRecordThatDrVerifyWrote() throws Exception {
        BackupRecord backup = backUp();
        BackupRecord other = backUp();
        services.verifyService().verify(id(backup), VerifyLevel.QUICK, new Progress());
        services.verifyService().verify(id(other), VerifyLevel.QUICK, new Progress());
        assertThat(services.catalog().find(id(backup)).record().verification()).isEqualTo("quick: passed");
        byte[] genuine = bucket.getBytes(verificationKey(backup)).orElseThrow();

        ObjectNode edited = (ObjectNode) Json.MAPPER.readTree(genuine);
        edited.put("level", "restore");
        bucket.put(verificationKey(backup), Json.bytes(edited), "application/json");
        BackupRecord afterEdit = services.catalog().find(id(backup)).record();

        ObjectNode planted = (ObjectNode) Json.MAPPER.readTree(genuine);
        planted.remove("seal");
        planted.put("level", "restore");
        bucket.put(verificationKey(backup), Json.bytes(planted), "application/json");
        BackupRecord afterPlant = services.catalog().find(id(backup)).record();

        ObjectNode copied = (ObjectNode) Json.MAPPER.readTree(bucket.getBytes(verificationKey(other)).orElseThrow());
        copied.put("id", backup.id());
        bucket.put(verificationKey(backup), Json.bytes(copied), "application/json");
        BackupRecord afterCopy = services.catalog().find(id(backup)).record();

        for (BackupRecord record : List.of(afterEdit, afterPlant, afterCopy)) {
            assertThat(record.status()).isEqualTo(BackupStatus.COMPLETED);
            assertThat(record.verification()).as("what the sealed manifest says").isEqualTo(backup.verification());
            assertThat(record.error()).startsWith("verification.json ignored");
        }
        assertThat(afterEdit.error()).contains("seal does not match");
        assertThat(afterPlant.error()).contains("not sealed");
        bucket.put(verificationKey(backup), genuine, "application/json");
        assertThat(services.catalog().find(id(backup)).record().verification()).isEqualTo("quick: passed");
    }

    @Test
    void shouldShowAFailedVerificationItRecorded() throws Exception {
        BackupRecord backup = backUp();
        byte[] data = read(backup);
        data[data.length / 2] ^= 0x01;
        bucket.put(dataKey(backup), data, "application/octet-stream");

        assertThatThrownBy(() -> services.verifyService().verify(id(backup), VerifyLevel.FULL, new Progress()))
                .isInstanceOf(ArchiveIntegrityException.class);

        BackupRecord listed = services.catalog().find(id(backup)).record();
        assertThat(listed.verification()).isEqualTo("full: failed");
        assertThat(listed.error()).isNull();
    }

    private void assertRestoreRefusedAndNothingWritten(BackupRecord backup) {
        RestoreService.Plan plan = services.restoreService().plan(id(backup), RegionId.of(WEST), List.of());
        assertThatThrownBy(() -> services.restoreService().restore(plan, new Progress()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining(backup.id());
        assertThat(env.client(WEST).listDatabaseNames().into(new ArrayList<>())).doesNotContain("devflow");
    }

    private BackupRecord backUp() {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            BackupRecord record = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
            assertThat(record.status()).isEqualTo(BackupStatus.COMPLETED);
            return record;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] read(BackupRecord backup) throws Exception {
        try (InputStream in = bucket.open(dataKey(backup))) {
            return in.readAllBytes();
        }
    }

    private static BackupId id(BackupRecord backup) {
        return BackupId.parse(backup.id()).orElseThrow();
    }

    private static String dataKey(BackupRecord backup) {
        return backup.manifest().object().key();
    }

    private static String verificationKey(BackupRecord backup) {
        return new ObjectLayout("dr").verification(StoreKind.MONGODB, id(backup));
    }

    private static String manifestKey(BackupRecord backup) {
        return new ObjectLayout("dr").manifest(StoreKind.MONGODB, id(backup));
    }
}
