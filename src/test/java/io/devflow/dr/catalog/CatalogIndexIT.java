package io.devflow.dr.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.MutableClock;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sealed index of closed months, on real backups in a real s3proxy bucket: backups taken with the clock in
 * September, October and November, listed in late November, when September and October are closed.
 */
class CatalogIndexIT {

    private static final ObjectLayout LAYOUT = new ObjectLayout("dr");
    private static final YearMonth SEPTEMBER = YearMonth.of(2026, 9);
    private static final YearMonth OCTOBER = YearMonth.of(2026, 10);
    private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

    @TempDir
    Path dir;
    TestEnvironment env;
    S3ObjectStore bucket;
    MutableClock clock;
    DrServices services;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, dr -> ((ObjectNode) dr.get("backup"))
                .putObject("retention").put("daily", 1).put("weekly", 0).put("monthly", 0), EAST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 20).mapToObj(BsonSamples::everyType).toList());
        bucket = env.bucketStore(EAST);
        clock = new MutableClock(Instant.parse("2026-09-10T02:00:00Z"));
        services = new DrServices(env.config(), new RegionDirectory(env.config()), clock);
    }

    @AfterEach
    void stop() {
        services.close();
        env.close();
    }

    @Test
    void shouldListClosedMonthsFromTheirSealedIndexAndTheOpenMonthFromItsFolders() throws Exception {
        BackupRecord september = backUp();
        clock.set(Instant.parse("2026-10-05T02:00:00Z"));
        BackupRecord octoberFirst = backUp();
        clock.advance(Duration.ofDays(1));
        BackupRecord octoberSecond = backUp();
        clock.set(Instant.parse("2026-11-20T02:00:00Z"));
        BackupRecord november = backUp();

        List<BackupRecord> scanned = list();

        assertThat(scanned).extracting(BackupRecord::id)
                .containsExactly(november.id(), octoberSecond.id(), octoberFirst.id(), september.id());
        assertThat(bucket.head(LAYOUT.monthIndex(StoreKind.MONGODB, SEPTEMBER))).isPresent();
        assertThat(bucket.head(LAYOUT.monthIndex(StoreKind.MONGODB, OCTOBER))).isPresent();
        assertThat(bucket.head(LAYOUT.monthIndex(StoreKind.MONGODB, NOVEMBER))).as("an open month has no index").isEmpty();

        // the closed months now come from their index: a manifest removed behind the catalog's back is not read
        bucket.delete(LAYOUT.manifest(StoreKind.MONGODB, id(octoberFirst)));
        List<BackupRecord> indexed = list();
        assertThat(indexed).isEqualTo(scanned);
        assertThat(indexed).extracting(BackupRecord::manifest).doesNotContainNull();
        assertThat(indexed.get(2).manifest()).isEqualTo(octoberFirst.manifest());
    }

    @Test
    void shouldScanAMonthAgainWhenItsIndexIsAlteredOrCopiedFromAnotherMonth() throws Exception {
        BackupRecord september = backUp();
        clock.set(Instant.parse("2026-10-05T02:00:00Z"));
        BackupRecord october = backUp();
        clock.set(Instant.parse("2026-11-20T02:00:00Z"));
        List<BackupRecord> scanned = list();
        byte[] septemberIndex = bucket.getBytes(LAYOUT.monthIndex(StoreKind.MONGODB, SEPTEMBER)).orElseThrow();

        // September's index planted as October's, and September's with one record edited
        bucket.put(LAYOUT.monthIndex(StoreKind.MONGODB, OCTOBER), septemberIndex, "application/json");
        byte[] edited = new String(septemberIndex, UTF_8)
                .replaceFirst("full: passed", "full: failed").getBytes(UTF_8);
        assertThat(edited).isNotEqualTo(septemberIndex);
        bucket.put(LAYOUT.monthIndex(StoreKind.MONGODB, SEPTEMBER), edited, "application/json");

        assertThat(list()).isEqualTo(scanned).extracting(BackupRecord::id).containsExactly(october.id(), september.id());
        assertThat(bucket.getBytes(LAYOUT.monthIndex(StoreKind.MONGODB, SEPTEMBER)).orElseThrow())
                .as("rewritten from the scan").isEqualTo(septemberIndex);
        assertThat(Arrays.equals(bucket.getBytes(LAYOUT.monthIndex(StoreKind.MONGODB, OCTOBER)).orElseThrow(),
                septemberIndex)).isFalse();
    }

    @Test
    void shouldForgetAClosedMonthsIndexWhenABackupInItIsVerifiedOrDeleted() throws Exception {
        BackupRecord first = backUp();
        clock.advance(Duration.ofDays(1));
        backUp();
        clock.set(Instant.parse("2026-11-20T02:00:00Z"));
        list();
        assertThat(bucket.head(LAYOUT.monthIndex(StoreKind.MONGODB, SEPTEMBER))).isPresent();

        services.verifyService().verify(id(first), VerifyLevel.QUICK, new Progress());

        assertThat(bucket.head(LAYOUT.monthIndex(StoreKind.MONGODB, SEPTEMBER))).isEmpty();
        BackupRecord verified = list().stream().filter(r -> r.id().equals(first.id())).findFirst().orElseThrow();
        assertThat(first.verification()).startsWith("full: ");
        assertThat(verified.verification()).startsWith("quick: ");

        services.retention().apply(false);

        assertThat(bucket.list(LAYOUT.backupFolder(StoreKind.MONGODB, id(first)))).as("deleted by retention").isEmpty();
        List<String> manifests = bucket.list("dr/mongodb/").stream().map(o -> o.key())
                .filter(k -> k.endsWith("/" + ObjectLayout.MANIFEST)).map(k -> k.split("/")[5]).toList();
        assertThat(list()).extracting(BackupRecord::id).doesNotContain(first.id())
                .containsExactlyInAnyOrderElementsOf(manifests);
    }

    private List<BackupRecord> list() {
        BackupCatalog.Listing listing = services.catalog().list(Optional.of(StoreKind.MONGODB), Optional.empty());
        assertThat(listing.unreachable()).isEmpty();
        return listing.backups();
    }

    private static BackupId id(BackupRecord record) {
        return BackupId.parse(record.id()).orElseThrow();
    }

    private BackupRecord backUp() throws Exception {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            BackupRecord record = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
            assertThat(record.status()).as(String.valueOf(record.error())).isEqualTo(BackupStatus.COMPLETED);
            return record;
        }
    }
}
