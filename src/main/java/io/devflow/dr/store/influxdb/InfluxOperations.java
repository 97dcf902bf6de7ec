package io.devflow.dr.store.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.archive.Fingerprint;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.store.ParallelWrites;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Remote;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * InfluxDB: full backups export every point up to the backup's start; incrementals the points with time in
 * (previous watermark, start]; point-in-time recovery filters by time. Points written later with older
 * timestamps (backfill) are only picked up by the next full backup.
 */
public final class InfluxOperations implements StoreOperations {

    static final String WATERMARK = "time";

    private final Clock clock;

    public InfluxOperations(Clock clock) {
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.INFLUXDB;
    }

    @Override
    public boolean isConfigured(RegionConfig region) {
        return region.influxdb().isPresent();
    }

    @Override
    public boolean supportsIncremental() {
        return true;
    }

    @Override
    public List<String> databases(RegionConfig region) {
        return region.requireInfluxdb().databases();
    }

    @Override
    public Extraction full(RegionContext region, Instant startedAt) {
        return extraction(region, null, startedAt);
    }

    @Override
    public Extraction incremental(RegionContext region, Manifest parent, Instant startedAt, Instant until) {
        String watermark = parent.positions().end().get(WATERMARK);
        if (watermark == null) {
            throw new IllegalStateException("backup " + parent.id() + " records no InfluxDB watermark to continue from");
        }
        return extraction(region, Long.parseLong(watermark), startedAt);
    }

    private Extraction extraction(RegionContext region, Long afterNanos, Instant startedAt) {
        InfluxConfig influx = region.config().requireInfluxdb();
        long untilNanos = nanos(startedAt);
        InfluxSource source = new InfluxSource(new InfluxHttp(influx), influx.databases(), afterNanos, untilNanos);
        Map<String, String> start = afterNanos == null ? Map.of() : Map.of(WATERMARK, Long.toString(afterNanos));
        return new Extraction(source, Map.of("databases", String.join(",", influx.databases())), start,
                () -> Map.of(WATERMARK, Long.toString(untilNanos)), () -> startedAt);
    }

    /**
     * An increment continues a full backup when it starts at or before the full backup's cut-off: an hourly
     * increment planned while a full backup ran continues the older chain, and so do those after it, yet
     * together they hold every point after the newer full backup's cut-off (writes are idempotent, so the
     * points both hold are harmless).
     */
    @Override
    public boolean continuesFrom(Manifest increment, Manifest full) {
        if (full.id().equals(increment.parent())) {
            return true;
        }
        String fullEnd = full.positions().end().get(WATERMARK);
        String incrementStart = increment.positions().start().get(WATERMARK);
        return fullEnd != null && incrementStart != null && Long.parseLong(incrementStart) <= Long.parseLong(fullEnd);
    }

    @Override
    public Restorer restorer(RegionContext target, Manifest backup, UnaryOperator<String> databaseMapping, Instant cutoff,
                             Map<String, String> after) {
        InfluxConfig influx = target.config().requireInfluxdb();
        InfluxHttp http = new InfluxHttp(influx);
        return new InfluxRestorer(InfluxWriter.of(influx, http), databaseMapping, cutoff == null ? null : nanos(cutoff),
                http.display(), ParallelWrites.DEFAULT_WORKERS);
    }

    /** Scratch restores create and drop databases: the v1 API does; with v2 buckets are the operator's. */
    @Override
    public boolean supportsScratchRestore(RegionConfig region) {
        return region.requireInfluxdb().version() == 1;
    }

    @Override
    public List<SectionSummary> fingerprint(RegionContext region, Map<String, String> databases) {
        InfluxHttp http = new InfluxHttp(region.config().requireInfluxdb());
        List<SectionSummary> result = new ArrayList<>();
        databases.forEach((source, scratch) -> {
            try (InfluxSource points = new InfluxSource(http, List.of(scratch), null, Long.MAX_VALUE)) {
                String section = null;
                Fingerprint.Accumulator accumulator = null;
                for (SourceRecord record = points.next(); record != null; record = points.next()) {
                    if (record instanceof SourceRecord.SectionStart start) {
                        section = source + start.name().substring(scratch.length());
                        accumulator = new Fingerprint.Accumulator();
                    } else if (record instanceof SourceRecord.Item item) {
                        accumulator.add(item.bytes());
                    } else {
                        result.add(new SectionSummary(section, accumulator.count(), accumulator.bytes(), accumulator.fingerprint()));
                    }
                }
            }
        });
        return result;
    }

    @Override
    public void drop(RegionContext region, String database) {
        InfluxHttp http = new InfluxHttp(region.config().requireInfluxdb());
        Remote.run("dropping database " + database + " on " + http.display(),
                () -> http.execute("DROP DATABASE " + InfluxHttp.identifier(database)));
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /**
     * Drops every measurement, so the database keeps its retention policies and continuous queries. An InfluxDB 2's
     * buckets are the operator's (its v1-compatibility API has no DROP): emptying one is refused with the command.
     */
    @Override
    public void empty(RegionContext region, List<String> databases) {
        InfluxConfig influx = region.config().requireInfluxdb();
        if (influx.version() != 1) {
            throw new InvalidRequestException("--mode replace cannot empty InfluxDB 2 buckets of " + region.id()
                    + ": delete their data with 'influx delete --bucket B --start 1970-01-01T00:00:00Z --stop <now>' "
                    + "and recover with --mode merge");
        }
        InfluxHttp http = new InfluxHttp(influx);
        for (String database : databases) {
            // a database that is not there yet has nothing to drop; creating it is idempotent and lets SHOW answer
            Remote.run("creating database " + database + " on " + http.display(),
                    () -> http.execute("CREATE DATABASE " + InfluxHttp.identifier(database)));
            for (JsonNode series : http.series(database, "SHOW MEASUREMENTS")) {
                for (JsonNode row : series.path("values")) {
                    String measurement = row.path(0).asText();
                    Remote.run("dropping measurement " + measurement + " of " + database + " on " + http.display(),
                            () -> http.execute(database, "DROP MEASUREMENT " + InfluxHttp.identifier(measurement)));
                }
            }
        }
    }
}
