package io.devflow.dr.catalog;

import com.google.crypto.tink.Mac;
import io.devflow.dr.archive.ArchiveFormat;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogIndexTest {

    private static final YearMonth MONTH = YearMonth.of(2026, 9);
    private static final byte[] BOUND = "us-east-1\ns3://backups/dr\ndr/catalog-index/mongodb/2026-09.json\n"
            .getBytes(StandardCharsets.UTF_8);

    private final Mac mac = mac(KeyMaterial.random());
    private final List<BackupRecord> records = List.of(
            failed("backup-full-20260910-020000-aaaaaa", "mongodb unreachable"),
            failed("backup-incremental-20260930-230000-bbbbbb", "the bucket refused the upload"));

    @Test
    void shouldReadBackTheRecordsItSealed() {
        byte[] stored = CatalogIndex.encode(records, MONTH, BOUND, mac);

        assertThat(CatalogIndex.decode(stored, BOUND, mac)).isEqualTo(records);
    }

    @Test
    void shouldReadBackCompletedBackupsWithTheirWholeManifestsBesideFailedOnes() {
        List<BackupRecord> mixed = List.of(
                completed("backup-full-20260901-020000-cccccc", "quick: passed", null),
                records.get(0),
                completed("backup-incremental-20260901-030000-dddddd", null,
                        "verification.json ignored: it is not sealed"));

        List<BackupRecord> read = CatalogIndex.decode(CatalogIndex.encode(mixed, MONTH, BOUND, mac), BOUND, mac);

        assertThat(read).isEqualTo(mixed);
        assertThat(read.get(0).manifest()).as("the manifest, not only the fields listed").isEqualTo(mixed.get(0).manifest());
        assertThat(read.get(1).manifest()).isNull();
    }

    @Test
    void shouldRefuseASealedIndexWhoseEntriesAreNotBackups() throws GeneralSecurityException {
        String body = "{\"month\":\"2026-09\",\"backups\":[{\"location\":\"s3://elsewhere/\"}]}";
        byte[] tag = mac.computeMac((new String(BOUND, StandardCharsets.UTF_8) + body).getBytes(StandardCharsets.UTF_8));
        byte[] stored = (CatalogIndex.MAGIC + Base64.getEncoder().encodeToString(tag) + "\n" + body)
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CatalogIndex.decode(stored, BOUND, mac))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining("sealed but unreadable").hasMessageContaining("neither a manifest nor a record");
    }

    @Test
    void shouldRefuseAnIndexWithAnyByteOfItsBodyChanged() {
        byte[] stored = CatalogIndex.encode(records, MONTH, BOUND, mac);
        String text = new String(stored, StandardCharsets.UTF_8);
        byte[] edited = text.replace("mongodb unreachable", "mongodb unreachablf").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CatalogIndex.decode(edited, BOUND, mac))
                .isInstanceOf(ArchiveIntegrityException.class).hasMessageContaining("seal does not match");
    }

    @Test
    void shouldRefuseAnIndexMovedToAnotherPathOrSealedWithAnotherKey() {
        byte[] stored = CatalogIndex.encode(records, MONTH, BOUND, mac);
        byte[] otherPath = "us-east-1\ns3://backups/dr\ndr/catalog-index/mongodb/2026-10.json\n"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CatalogIndex.decode(stored, otherPath, mac))
                .isInstanceOf(ArchiveIntegrityException.class);
        assertThatThrownBy(() -> CatalogIndex.decode(stored, BOUND, mac(KeyMaterial.random())))
                .isInstanceOf(ArchiveIntegrityException.class);
        assertThatThrownBy(() -> CatalogIndex.decode("{\"backups\":[]}".getBytes(StandardCharsets.UTF_8), BOUND, mac))
                .isInstanceOf(ArchiveIntegrityException.class).hasMessage("not a catalog index");
    }

    @Test
    void shouldCloseAMonthTwoDaysAfterItEnds() {
        MutableClock clock = new MutableClock(Instant.parse("2026-10-02T23:59:59Z"));
        CatalogIndex index = new CatalogIndex(() -> mac, clock);

        assertThat(index.isClosed(MONTH)).isFalse();
        clock.set(Instant.parse("2026-10-03T00:00:00Z"));
        assertThat(index.isClosed(MONTH)).isTrue();
        assertThat(index.isClosed(YearMonth.of(2026, 10))).isFalse();
    }

    private static BackupRecord failed(String id, String error) {
        BackupId backup = BackupId.parse(id).orElseThrow();
        return new BackupRecord(id, backup.type().id(), "mongodb", "us-east-1", BackupStatus.FAILED, "schedule",
                backup.startedAt(), backup.startedAt().plusSeconds(5), null, 5000L, null, 10L, null, null, null, null,
                "s3://backups/dr/mongodb/2026/09/" + id + "/", error, null);
    }

    private static BackupRecord completed(String id, String verification, String error) {
        BackupId backup = BackupId.parse(id).orElseThrow();
        Instant started = backup.startedAt();
        Manifest manifest = new Manifest(ArchiveFormat.MANIFEST_VERSION, id, backup.type().id(), "mongodb",
                "us-east-1", "schedule", started, started.plusSeconds(42), null, started.plusSeconds(40),
                new Manifest.Positions(Map.of("app.orders", "{\"_data\":\"8263\"}"), Map.of()),
                Map.of("databases", "app"),
                new Manifest.StoredObject("dr/mongodb/2026/09/" + id + "/data.bin", 1234, "ab".repeat(32), 1),
                new Manifest.Encryption(ArchiveFormat.ENCRYPTION, "local", "local-20260901-0a1b2c3d",
                        "d3JhcHBlZCBrZXk=", "Y2hlY2s=", "deployment-1"),
                new Manifest.Compression(ArchiveFormat.COMPRESSION, 3), 10, 2048,
                List.of(new Manifest.Section("app.orders", 10, 2048, "cd".repeat(32))),
                new Manifest.Verification("quick", "passed", started.plusSeconds(42)), "c2VhbA==");
        return BackupRecord.completed(manifest, "s3://backups/dr/mongodb/2026/09/" + id + "/", verification)
                .withError(error);
    }

    private static Mac mac(KeyMaterial key) {
        try {
            return key.catalogMac();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
