package io.devflow.dr.replication.influxdb;

import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.influxdb.InfluxSource;
import io.devflow.dr.store.influxdb.LineProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One direction's reading of the source: per database, windows of points with time in (W - overlap, end], where W
 * is the database's watermark and end the read's time less a short settle delay (points being written "now" go
 * in the next window); the first window of a database has no lower bound (the initial sync). A window is read
 * measurement by measurement as line protocol ({@link InfluxSource}, one query chunk at a time) and handed on a
 * bounded number of points at a time; the window's end and the measurements it has finished go in the
 * checkpoint, so a restart resumes a window rather than starting it over.
 */
final class InfluxWindows implements DirectionSessions.Session {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxWindows.class);

    private final Direction direction;
    private final InfluxHttp source;
    private final List<String> databases;
    private final ReplicationConfig config;
    private final Clock clock;
    private final Deque<String> due = new ArrayDeque<>();
    private InfluxCheckpoint position;
    private Window window;

    /** A window being read: the points with time in (after, until] of one database. */
    private static final class Window {
        final String database;
        final Long watermarkNanos;
        final Instant until;
        final InfluxSource points;
        final List<String> finished;
        String measurement;

        Window(String database, Instant watermark, Instant until, InfluxSource points, List<String> finished) {
            this.database = database;
            this.watermarkNanos = watermark == null ? null : nanos(watermark);
            this.until = until;
            this.points = points;
            this.finished = new ArrayList<>(finished);
        }

        boolean initialSync() {
            return watermarkNanos == null;
        }
    }

    InfluxWindows(Direction direction, InfluxConfig sourceConfig, ReplicationConfig config, InfluxCheckpoint saved,
                  Clock clock) {
        this.direction = direction;
        this.source = new InfluxHttp(sourceConfig);
        this.databases = sourceConfig.databases();
        this.config = config;
        this.clock = clock;
        this.position = saved;
    }

    List<String> databases() {
        return databases;
    }

    /** The next points to copy, at most {@code max}, all of one database; none when every window is done. */
    InfluxPoints next(int max) {
        Instant end = clock.instant().minus(InfluxReplication.SETTLE);
        if (window == null && due.isEmpty()) {
            for (String database : databases) {
                Instant watermark = position.watermark(database);
                if (watermark == null || watermark.isBefore(end)) {
                    due.add(database);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        long newPoints = 0;
        long newBytes = 0;
        String database = null;
        while (lines.size() < max) {
            if (window == null) {
                String next = due.poll();
                if (next == null) {
                    break;
                }
                window = open(next, end);
            }
            database = window.database;
            SourceRecord record = window.points.next();
            if (record == null) {
                finish();
                if (!lines.isEmpty()) {
                    break; // a batch holds one database's points
                }
            } else if (record instanceof SourceRecord.SectionStart start) {
                window.measurement = start.metadata().path("measurement").asText();
            } else if (record instanceof SourceRecord.Item item) {
                String line = new String(item.bytes(), StandardCharsets.UTF_8);
                lines.add(line);
                if (window.watermarkNanos == null || LineProtocol.timestamp(line) > window.watermarkNanos) {
                    newPoints++;
                    newBytes += item.bytes().length;
                }
            } else {
                window.finished.add(window.measurement);
                position = position.withWindow(window.database,
                        new InfluxCheckpoint.Window(window.until, window.finished));
            }
        }
        position = position.plus(newPoints, newBytes);
        return new InfluxPoints(direction, database, lines, newPoints, newBytes, position, !caughtUp());
    }

    /** Whether nothing is left to copy now: no window open or due, and the watermarks within two windows of now. */
    private boolean caughtUp() {
        Duration behind = behind();
        return window == null && due.isEmpty() && behind != null
                && behind.compareTo(config.influxdb().window().multipliedBy(2)) < 0;
    }

    /** How far the oldest watermark is behind the newest time a window may reach; null while a database has none. */
    Duration behind() {
        Instant complete = position.completeUntil(databases);
        return complete == null ? null : Duration.between(complete, clock.instant().minus(InfluxReplication.SETTLE));
    }

    /**
     * Opens the database's next window: (W - overlap, end], or with no lower bound when the database has no
     * watermark yet. A window a previous run recorded as begun is finished first, with its own end, leaving out
     * the measurements it had copied.
     */
    private Window open(String database, Instant end) {
        Instant watermark = position.watermark(database);
        InfluxCheckpoint.Window begun = position.copying(database);
        if (begun == null) {
            begun = new InfluxCheckpoint.Window(end, List.of());
            position = position.withWindow(database, begun);
        }
        Set<String> skip = new HashSet<>(begun.measurements());
        Long after = watermark == null ? null : nanos(watermark.minus(config.influxdb().overlap()));
        if (watermark == null) {
            LOG.info("InfluxDB initial sync {}: copying every point of database {} up to {}", direction, database,
                    begun.until());
        }
        InfluxSource points = new InfluxSource(source, List.of(database), after, nanos(begun.until()),
                (db, measurement) -> !skip.contains(measurement));
        return new Window(database, watermark, begun.until(), points, begun.measurements());
    }

    private void finish() {
        window.points.close();
        position = position.withWatermark(window.database, window.until);
        if (window.initialSync()) {
            LOG.info("InfluxDB initial sync {} of database {} complete up to {}; from now on a window every {} s, "
                            + "reaching {} s back", direction, window.database, window.until,
                    config.influxdb().window().toSeconds(), config.influxdb().overlap().toSeconds());
        }
        window = null;
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    public void close() {
        try {
            if (window != null) {
                window.points.close();
            }
        } catch (RuntimeException e) {
            // the server may be gone already
        } finally {
            window = null;
        }
    }
}
