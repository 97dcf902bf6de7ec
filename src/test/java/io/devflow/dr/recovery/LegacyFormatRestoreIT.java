package io.devflow.dr.recovery;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup written by the previous version of dr (manifest format 1: its data key bound to backup, store and
 * region, not to a deployment), kept in {@code src/test/resources/legacy/format-1} with the keyring that wrapped it
 * and the documents it holds. It stays listed as completed, verifiable and restorable, byte for byte.
 */
class LegacyFormatRestoreIT {

    private static final Path FIXTURE = Path.of("src/test/resources/legacy/format-1");
    private static final BackupId ID = new BackupId("backup-full-20261203-104512-71rcm8");

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;

    @BeforeEach
    void start() throws IOException {
        env = TestEnvironment.start(dir, EAST, WEST);
        Files.copy(FIXTURE.resolve("keyring.json"), dir.resolve("keyring.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(dir.resolve("keyring.json"), PosixFilePermissions.fromString("rw-------"));
        S3ObjectStore bucket = env.bucketStore(EAST);
        Path objects = FIXTURE.resolve("bucket");
        try (Stream<Path> files = Files.walk(objects)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                bucket.put(objects.relativize(file).toString(), Files.readAllBytes(file), "application/octet-stream");
            }
        }
        services = env.services();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldListVerifyAndRestoreABackupOfThePreviousFormat() throws IOException {
        BackupRecord listed = services.catalog().find(ID).record();
        assertThat(listed.status()).as(String.valueOf(listed.error())).isEqualTo(BackupStatus.COMPLETED);
        assertThat(listed.manifest().isLegacy()).isTrue();
        assertThat(listed.verification()).as("its unsealed verification.json is not shown").isEqualTo("full: passed");
        assertThat(listed.error()).contains("verification.json ignored").contains("not sealed");

        VerificationRecord verified = services.verifyService().verify(ID, VerifyLevel.FULL, new Progress());
        assertThat(verified.passed()).isTrue();
        assertThat(verified.seal()).isNotBlank();
        BackupRecord afterVerify = services.catalog().find(ID).record();
        assertThat(afterVerify.verification()).isEqualTo("full: passed");
        assertThat(afterVerify.error()).isNull();

        RestoreService.Plan plan = services.restoreService().plan(ID, RegionId.of(WEST), List.of());
        services.restoreService().restore(plan, new Progress());

        assertThat(BsonSamples.rawDocuments(env.client(WEST), "devflow", "things")).isEqualTo(expectedDocuments());
    }

    private static List<ByteBuffer> expectedDocuments() throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(FIXTURE.resolve("devflow.things.bson")));
        List<ByteBuffer> documents = new ArrayList<>();
        while (all.hasRemaining()) {
            byte[] document = new byte[all.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt()];
            all.get(document);
            documents.add(ByteBuffer.wrap(document));
        }
        return documents;
    }
}
