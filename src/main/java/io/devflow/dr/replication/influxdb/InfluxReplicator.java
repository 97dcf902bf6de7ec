package io.devflow.dr.replication.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.Batch;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.StoreReplicator;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.influxdb.InfluxSource;
import io.devflow.dr.store.influxdb.InfluxWriter;
import io.devflow.dr.store.influxdb.LineProtocol;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.Remote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * InfluxDB replication: per direction and source database, windows of points copied from the source to the
 * target. Each database has a watermark W (in the checkpoint); a window copies the points with time in
 * (W - overlap, end], where end is the poll's time less a short settle delay (points being written "now" are
 * taken by the next window), and then W becomes end. The first window of a database has no lower bound: that
 * is the initial sync.
 *
 * <p>A point is its measurement, tag set and timestamp; writing it again with the same fields leaves the
 * target as it was, so the overlap and the replay after a crash are harmless. The overlap catches points
 * written late with timestamps up to {@code overlap} before the watermark; older backfill is not replicated
 * (the next full backup holds it). Conflicts are not detected: see {@link #settle}.
 *
 * <p>A window is read measurement by measurement as line protocol (the backup's export, {@link InfluxSource}),
 * streamed one query chunk at a time and written in batches, so memory does not grow with the data. A poll
 * copies at most a bounded number of points and leaves a longer window open for the next poll; the checkpoint
 * records the window's end and the measurements it has finished, so a restart resumes it rather than starting
 * it over.
 */
public final class InfluxReplicator implements StoreReplicator {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxReplicator.class);
    private static final String STORE = StoreKind.INFLUXDB.id();

    /** How long before a poll its window ends, so that points being written at that moment go in the next one. */
    static final Duration SETTLE = Duration.ofSeconds(1);
    static final int POINTS_PER_POLL = 50_000;
    private static final int WRITE_BATCH = 5_000;

    private final RegionDirectory regions;
    private final ReplicationConfig config;
    private final Checkpoints checkpoints;
    private final Clock clock;
    private final int pointsPerPoll;
    private final DirectionSessions<Session> sessions;

    /** @param conflicts not used: InfluxDB replication records no conflicts; taken so every replicator is built alike */
    public InfluxReplicator(RegionDirectory regions, ReplicationConfig config, ConflictStore conflicts,
                            Checkpoints checkpoints, Clock clock) {
        this(regions, config, checkpoints, clock, POINTS_PER_POLL);
    }

    /** @param pointsPerPoll how many points one poll copies at most before it hands back to the scheduler */
    InfluxReplicator(RegionDirectory regions, ReplicationConfig config, Checkpoints checkpoints, Clock clock,
                     int pointsPerPoll) {
        this.regions = regions;
        this.config = config;
        this.checkpoints = checkpoints;
        this.sessions = new DirectionSessions<>(checkpoints, STORE, Session::new);
        this.clock = clock;
        this.pointsPerPoll = pointsPerPoll;
    }

    @Override
    public StoreKind store() {
        return StoreKind.INFLUXDB;
    }

    /** One direction's clients, its checkpoint as it stands in memory, and the window being copied. */
    private final class Session implements DirectionSessions.Session {
        final Direction direction;
        final InfluxHttp source;
        final InfluxHttp targetHttp;
        final InfluxWriter target;
        final List<String> databases;
        final ObjectNode checkpoint;
        final Set<String> prepared = new HashSet<>();
        final Deque<String> due = new ArrayDeque<>();
        volatile long copiedPoints;
        Window window;
        boolean dirty;
        boolean force;

        Session(Direction direction) {
            this.direction = direction;
            InfluxConfig sourceConfig = regions.get(direction.source()).config().requireInfluxdb();
            InfluxConfig targetConfig = regions.get(direction.target()).config().requireInfluxdb();
            this.databases = sourceConfig.databases();
            this.checkpoint = checkpoints.load(direction, STORE).filter(JsonNode::isObject)
                    .map(saved -> (ObjectNode) saved.deepCopy()).orElseGet(() -> {
                        ObjectNode fresh = Json.MAPPER.createObjectNode();
                        fresh.putObject("databases");
                        fresh.put("points", 0L);
                        fresh.put("bytes", 0L);
                        return fresh;
                    });
            this.copiedPoints = checkpoint.path("points").asLong();
            this.source = new InfluxHttp(sourceConfig);
            this.targetHttp = new InfluxHttp(targetConfig);
            this.target = InfluxWriter.of(targetConfig, targetHttp);
        }

        ObjectNode entry(String database) {
            ObjectNode all = checkpoint.get("databases") instanceof ObjectNode o ? o : checkpoint.putObject("databases");
            return all.get(database) instanceof ObjectNode o ? o : all.putObject(database);
        }

        /** Everything at the source up to this time is in the target; null while the initial sync is running. */
        Instant watermark(String database) {
            return time(entry(database).path("watermark"), database);
        }

        /** The oldest watermark: everything before it is in the target; null while a database has none. */
        Instant completeUntil() {
            Instant oldest = null;
            for (String database : databases) {
                Instant watermark = watermark(database);
                if (watermark == null) {
                    return null;
                }
                oldest = oldest == null || watermark.isBefore(oldest) ? watermark : oldest;
            }
            return oldest;
        }

        Instant time(JsonNode value, String database) {
            if (value.isMissingNode() || value.isNull()) {
                return null;
            }
            try {
                return Instant.parse(value.asText());
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("the InfluxDB replication checkpoint of " + direction + " holds '"
                        + value.asText() + "' for database " + database + ", which is not an RFC 3339 time; "
                        + "deleting replication/checkpoints/" + direction.id() + "/" + STORE
                        + " from the control state makes replication copy everything again", e);
            }
        }

        @Override
        public ObjectNode checkpoint() {
            return checkpoint;
        }

        @Override
        public boolean dirty() {
            return dirty;
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
                target.close();
            }
        }
    }

    /** One database's window being copied: the points with time in (after, until], one measurement after another. */
    private static final class Window {
        final String database;
        final Instant watermark;
        final Long watermarkNanos;
        final Instant until;
        final InfluxSource points;
        final ArrayNode finished;
        final List<String> lines = new ArrayList<>();
        String measurement;
        long newPoints;
        long newBytes;
        long copied;

        Window(String database, Instant watermark, Instant until, InfluxSource points, ArrayNode finished) {
            this.database = database;
            this.watermark = watermark;
            this.watermarkNanos = watermark == null ? null : nanos(watermark);
            this.until = until;
            this.points = points;
            this.finished = finished;
        }

        boolean initialSync() {
            return watermark == null;
        }
    }

    /** What one poll wrote: every point read counts against its budget; only points past the watermark are new. */
    private static final class Tally {
        int read;
        long points;
        long bytes;
    }

    private Session session(Direction direction) {
        return sessions.open(direction);
    }

    @Override
    public Batch poll(Direction direction, ReplicationProgress progress) {
        Session session = session(direction);
        synchronized (session) {
            try {
                return poll(session, progress);
            } catch (RuntimeException e) {
                // Whatever was open is in an unknown state: the next poll starts again from the checkpoint.
                sessions.discard(direction, session);
                throw e;
            }
        }
    }

    private Batch poll(Session session, ReplicationProgress progress) {
        if (progress.appliedCount() == 0) {
            progress.restore(session.checkpoint.path("points").asLong(), session.checkpoint.path("bytes").asLong());
        }
        Instant end = clock.instant().minus(SETTLE);
        if (session.window == null && session.due.isEmpty()) {
            for (String database : session.databases) {
                Instant watermark = session.watermark(database);
                if (watermark == null || watermark.isBefore(end)) {
                    session.due.add(database);
                }
            }
        }
        Tally tally = new Tally();
        while (tally.read < pointsPerPoll) {
            if (session.window == null) {
                String database = session.due.poll();
                if (database == null) {
                    break;
                }
                session.window = open(session, database, end);
            }
            if (!copy(session, session.window, tally)) {
                break;
            }
            finish(session, session.window);
            session.window = null;
        }

        Instant complete = session.completeUntil();
        progress.phase(complete == null ? ReplicationProgress.Phase.INITIAL_SYNC : ReplicationProgress.Phase.STREAMING);
        boolean open = session.window != null || !session.due.isEmpty();
        Duration behind = complete == null ? null : Duration.between(complete, clock.instant().minus(SETTLE));
        boolean caughtUp = !open && behind != null && behind.compareTo(config.influxdb().window().multipliedBy(2)) < 0;
        long backlog = behind == null || behind.isNegative() ? 0 : behind.toSeconds();
        if (tally.read > 0) {
            // The oldest watermark, not the newest point: until a window is finished, older points may still be missing.
            progress.applied(tally.points, tally.bytes, complete);
        }
        progress.polled(caughtUp, backlog, complete);
        return new Batch(session.direction, STORE, (int) tally.points, List.of(), List.of(),
                session.dirty ? session.checkpoint.deepCopy() : null, !caughtUp);
    }

    /**
     * Opens the database's next window: (W - overlap, end], or with no lower bound when the database has no
     * watermark yet. A window a previous run recorded as begun is finished first, with its own end, leaving
     * out the measurements it had copied.
     */
    private Window open(Session session, String database, Instant end) {
        if (!session.prepared.contains(database)) {
            Remote.run("preparing database " + database + " on " + session.targetHttp.display(),
                    () -> session.target.prepare(database));
            session.prepared.add(database);
        }
        ObjectNode entry = session.entry(database);
        Instant watermark = session.watermark(database);
        Instant until;
        ArrayNode finished;
        if (entry.get("copying") instanceof ObjectNode begun && begun.get("measurements") instanceof ArrayNode done) {
            until = session.time(begun.path("until"), database);
            finished = done;
        } else {
            ObjectNode copying = entry.putObject("copying");
            copying.put("until", end.toString());
            until = end;
            finished = copying.putArray("measurements");
            session.dirty = true;
        }
        Set<String> skip = new HashSet<>();
        finished.forEach(name -> skip.add(name.asText()));
        Long after = watermark == null ? null : nanos(watermark.minus(config.influxdb().overlap()));
        if (watermark == null) {
            LOG.info("InfluxDB initial sync {}: copying every point of database {} up to {}", session.direction,
                    database, until);
        }
        InfluxSource points = new InfluxSource(session.source, List.of(database), after, nanos(until),
                (db, measurement) -> !skip.contains(measurement));
        return new Window(database, watermark, until, points, finished);
    }

    /** Copies the window's points until the poll's budget is spent; true when the window is complete. */
    private boolean copy(Session session, Window window, Tally tally) {
        while (true) {
            if (tally.read >= pointsPerPoll) {
                flush(session, window, tally);
                return false;
            }
            SourceRecord record = window.points.next();
            if (record == null) {
                flush(session, window, tally);
                return true;
            }
            if (record instanceof SourceRecord.SectionStart start) {
                window.measurement = start.metadata().path("measurement").asText();
            } else if (record instanceof SourceRecord.Item item) {
                String line = new String(item.bytes(), StandardCharsets.UTF_8);
                window.lines.add(line);
                tally.read++;
                if (window.watermarkNanos == null || LineProtocol.timestamp(line) > window.watermarkNanos) {
                    window.newPoints++;
                    window.newBytes += item.bytes().length;
                }
                if (window.lines.size() >= WRITE_BATCH) {
                    flush(session, window, tally);
                }
            } else {
                flush(session, window, tally);
                window.finished.add(window.measurement);
                session.dirty = true;
                // An initial sync's progress is worth recording at once: a measurement can take long to copy.
                session.force |= window.initialSync();
            }
        }
    }

    private void flush(Session session, Window window, Tally tally) {
        if (window.lines.isEmpty()) {
            return;
        }
        Remote.run("writing " + window.lines.size() + " points of " + window.database + "." + window.measurement + " to "
                + session.targetHttp.display(), () -> session.target.write(window.database, window.lines));
        window.copied += window.lines.size();
        tally.points += window.newPoints;
        tally.bytes += window.newBytes;
        session.checkpoint.put("points", session.checkpoint.path("points").asLong() + window.newPoints);
        session.checkpoint.put("bytes", session.checkpoint.path("bytes").asLong() + window.newBytes);
        session.copiedPoints = session.checkpoint.path("points").asLong();
        session.dirty = true;
        window.lines.clear();
        window.newPoints = 0;
        window.newBytes = 0;
    }

    private void finish(Session session, Window window) {
        window.points.close();
        ObjectNode entry = session.entry(window.database);
        entry.remove("copying");
        entry.put("watermark", window.until.toString());
        session.dirty = true;
        if (window.initialSync()) {
            session.force = true;
            LOG.info("InfluxDB initial sync {} of database {} complete up to {} ({} points copied by this run); from now "
                            + "on a window every {} s, reaching {} s back", session.direction, window.database, window.until,
                    window.copied, config.influxdb().window().toSeconds(), config.influxdb().overlap().toSeconds());
        }
    }

    @Override
    public void commit(Batch batch) {
        Session session = sessions.current(batch.direction());
        if (session == null || batch.checkpoint() == null) {
            return;
        }
        synchronized (session) {
            if (checkpoints.save(session.direction, STORE, batch.checkpoint(), session.force)) {
                session.force = false;
                session.dirty = false;
            }
        }
    }

    /**
     * Never called for InfluxDB: its replication records no conflicts. A point is its measurement, tag set and
     * timestamp, and replication only copies. The windows do not cascade (a window reads the source by time,
     * not a log of changes, and points a reverse direction wrote are identical rewrites), so two directions
     * cannot loop; a target point with the same key and other fields is overwritten by the source's
     * (last write wins, by arrival). The target of a DR pair is not written by applications while inactive.
     */
    @Override
    public void settle(Conflict conflict) {
        throw new IllegalStateException("InfluxDB replication records no conflicts; conflict " + conflict.id()
                + " cannot be about InfluxDB and was not settled");
    }

    @Override
    public Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        throw new InvalidRequestException("InfluxDB replication records no conflicts (a point with the same "
                + "measurement, tags and time in the target is overwritten by the source's); conflict " + conflict.id()
                + " cannot be resolved as an InfluxDB conflict");
    }

    @Override
    public void reset(Direction direction) {
        sessions.reset(direction);
    }

    @Override
    public void stop(Direction direction) {
        sessions.stop(direction);
    }

    /** The points replication has copied into the target, from its checkpoint (counting the target's would be heavy). */
    @Override
    public Map<String, Long> targetCounts(Direction direction) {
        Session session = sessions.current(direction);
        long points = session != null ? session.copiedPoints
                : checkpoints.load(direction, STORE).map(c -> c.path("points").asLong()).orElse(0L);
        return Map.of("dataPoints", points);
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    public void close() {
        sessions.closeAll();
    }
}
