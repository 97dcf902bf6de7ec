package io.devflow.dr.store.influxdb;

import io.devflow.dr.archive.ArchiveFormat;
import io.devflow.dr.archive.Manifest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InfluxOperationsTest {

    private final InfluxOperations influx = new InfluxOperations(Clock.systemUTC());

    /**
     * F1 at 01:00; the 02:00 increment is planned while F2 runs (cut-off 02:00:00.5) and continues from F1's
     * chain, as does the 03:00 one: together with F2 they hold every point, so the chain ends at F2.
     */
    @Test
    void shouldLetAChainThatRanAcrossAFullBackupContinueIt() {
        Manifest f1 = manifest("f1", "full", null, Map.of(), Map.of("time", nanos("01:00:00")));
        Manifest i1 = manifest("i1", "incremental", "f1", Map.of("time", nanos("01:00:00")), Map.of("time", nanos("02:00:00")));
        Manifest f2 = manifest("f2", "full", null, Map.of(), Map.of("time", nanos("02:00:00.500")));
        Manifest i2 = manifest("i2", "incremental", "i1", Map.of("time", nanos("02:00:00")), Map.of("time", nanos("03:00:00")));
        Manifest i3 = manifest("i3", "incremental", "i2", Map.of("time", nanos("03:00:00")), Map.of("time", nanos("04:00:00")));

        assertThat(influx.continuesFrom(i1, f1)).isTrue();
        assertThat(influx.continuesFrom(i2, f2)).as("starts before F2's cut-off").isTrue();
        assertThat(influx.continuesFrom(i3, f2)).as("starts after it: its parent carries on").isFalse();
        assertThat(influx.continuesFrom(i3, f1)).isFalse();
    }

    private static String nanos(String time) {
        Instant t = Instant.parse("2026-11-26T" + time + "Z");
        return Long.toString(t.getEpochSecond() * 1_000_000_000L + t.getNano());
    }

    private static Manifest manifest(String id, String type, String parent, Map<String, String> start, Map<String, String> end) {
        Instant at = Instant.parse("2026-11-26T00:00:00Z");
        return new Manifest(ArchiveFormat.VERSION, id, type, "influxdb", "us-east-1", "schedule", at, at, parent, at,
                new Manifest.Positions(start, end), Map.of("databases", "metrics"),
                new Manifest.StoredObject("k", 1, "00", 1), new Manifest.Encryption(ArchiveFormat.ENCRYPTION, "local", "k", "w"),
                new Manifest.Compression("zstd", 3), 0, 0, List.of(), null, "seal");
    }
}
