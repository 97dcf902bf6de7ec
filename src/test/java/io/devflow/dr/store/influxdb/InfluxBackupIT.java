package io.devflow.dr.store.influxdb;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.testing.InfluxAvailable;
import io.devflow.dr.testing.InfluxData;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * InfluxDB through the v1 API of a real influxd: every field type, tags, escaped names and nanosecond
 * timestamps survive a full backup and restore point for point; an incremental holds exactly the newer points.
 */
@InfluxAvailable
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InfluxBackupIT {

    static final long T0 = 1_700_000_000_000_000_000L;

    TestEnvironment env;
    DrServices services;
    InfluxHttp east;
    InfluxHttp west;
    BackupRecord full;
    BackupRecord incremental;
    Set<String> pointsAtFull;

    @BeforeAll
    void backUp(@TempDir Path dir) throws Exception {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.INFLUXDB), EAST, WEST);
        services = env.services();
        east = new InfluxHttp(influx(EAST));
        west = new InfluxHttp(influx(WEST));
        east.execute("CREATE DATABASE metrics");
        List<String> lines = new ArrayList<>(List.of(
                "cpu,host=a,region=us-east usage=0.5,count=3i,state=\"ok\",up=true " + (T0 + 1),
                "cpu,host=b usage=1,count=-4i,state=\"say \\\"hi\\\" \\\\ bye\",up=false " + (T0 + 2),
                "cpu,host=a usage=1e-300,count=9223372036854775807i " + (T0 + 3),
                "disk\\ usage,device=sd\\ a,mount=/var\\,log free=12.25 " + (T0 + 4)));
        for (int i = 0; i < 25_000; i++) {
            lines.add("load,host=h" + (i % 7) + " value=" + (i * 0.25) + ",seq=" + i + "i " + (T0 + 1_000 + i));
        }
        east.write("metrics", lines);
        pointsAtFull = export(east);
        // a measurement with no point up to the cut-off: an empty section, which restores to nothing
        east.write("metrics", List.of("forecast value=1 " + (System.currentTimeMillis() + 86_400_000L) * 1_000_000L));
        full = backUp(BackupType.FULL);

        // written after the full backup's watermark, so they belong to the incremental
        long now = System.currentTimeMillis() * 1_000_000L;
        east.write("metrics", List.of("cpu,host=c usage=2.5,count=7i " + now, "late value=1 " + (now + 1)));
        Thread.sleep(5);
        incremental = backUp(BackupType.INCREMENTAL);
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    void shouldExportEveryPointOnceWithOneSectionPerMeasurement() {
        assertThat(full.status()).as(String.valueOf(full.error())).isEqualTo(BackupStatus.COMPLETED);
        assertThat(full.manifest().sections()).extracting(s -> s.name() + "=" + s.items())
                .containsExactly("metrics.cpu=3", "metrics.disk usage=1", "metrics.forecast=0", "metrics.load=25000");
    }

    @Test
    void shouldRestoreEveryPointWithItsTypesTagsAndNanoseconds() {
        RestoreService.Plan plan = services.restoreService().plan(BackupId.parse(full.id()).orElseThrow(),
                RegionId.of(WEST), List.of());
        RestoreService.Report report = services.restoreService().restore(plan, new Progress());

        assertThat(report.total()).isEqualTo(25_004);
        assertThat(export(west)).isEqualTo(pointsAtFull);
        assertThat(west.series("metrics", "SHOW FIELD KEYS FROM cpu").get(0).path("values").toString())
                .contains("[\"count\",\"integer\"]").contains("[\"state\",\"string\"]")
                .contains("[\"up\",\"boolean\"]").contains("[\"usage\",\"float\"]");
    }

    @Test
    void shouldPutOnlyTheNewerPointsIntoTheIncremental() {
        assertThat(incremental.status()).as(String.valueOf(incremental.error())).isEqualTo(BackupStatus.COMPLETED);
        assertThat(incremental.parent()).isEqualTo(full.id());
        assertThat(incremental.manifest().sections()).extracting(s -> s.name() + "=" + s.items())
                .containsExactly("metrics.cpu=1", "metrics.disk usage=0", "metrics.forecast=0", "metrics.late=1", "metrics.load=0");
        assertThat(incremental.manifest().positions().start()).isEqualTo(full.manifest().positions().end());
    }

    @Test
    void shouldVerifyByRestoringIntoAScratchDatabase() {
        VerificationRecord record = services.verifyService().verify(BackupId.parse(full.id()).orElseThrow(),
                VerifyLevel.RESTORE, new Progress());

        assertThat(record.passed()).isTrue();
        List<String> databases = new ArrayList<>();
        east.series("", "SHOW DATABASES").forEach(s -> s.path("values").forEach(v -> databases.add(v.get(0).asText())));
        assertThat(databases).noneMatch(d -> d.startsWith("dr_verify_"));
    }

    private BackupRecord backUp(BackupType type) throws Exception {
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            return runtime.producer().requestBody("direct:backup",
                    new BackupRequest(type, StoreKind.INFLUXDB, RegionId.of(EAST), "test"), BackupRecord.class);
        }
    }

    private InfluxConfig influx(String region) {
        return services.config().requireRegion(region).requireInfluxdb();
    }

    /** Every point of the database as line protocol, as the exporter writes it. */
    private static Set<String> export(InfluxHttp http) {
        return new TreeSet<>(InfluxData.points(http, "metrics"));
    }
}
