package io.devflow.dr.replication.influxdb;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.ConflictVersions;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.RoundResult;
import io.devflow.dr.replication.StoreReplication;
import io.devflow.dr.store.influxdb.InfluxTargetWriter;
import io.devflow.dr.support.InvalidRequestException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * InfluxDB replication: per direction and source database, windows of points copied from the source to the
 * target ({@link InfluxWindows}). A round reads a bounded number of points of one database, writes them, and
 * records in the checkpoint the database's watermark, or how far its window got.
 *
 * <p>A point is its measurement, tag set and timestamp; writing it again with the same fields leaves the target as
 * it was, so the overlap and the replay after a crash are harmless. The overlap catches points written late with
 * timestamps up to {@code overlap} before the watermark; older backfill is not replicated (the next full backup
 * holds it). There is nothing to compare in the target and no conflict to detect: see {@link #describe}.
 */
public final class InfluxReplication
        implements StoreReplication<InfluxPoints, InfluxPoints, InfluxPoints, InfluxPoints, InfluxCheckpoint> {

    /** How long before a read its window ends, so that points being written at that moment go in the next one. */
    static final Duration SETTLE = Duration.ofSeconds(1);
    /** Points one round copies at most (one write) before it hands back to the scheduler. */
    static final int POINTS_PER_ROUND = 5_000;

    private final RegionDirectory regions;
    private final ReplicationConfig config;
    private final ProgressBoard progress;
    private final Clock clock;
    private final int pointsPerRound;
    private final DirectionSessions<InfluxCheckpoint, Session> sessions;

    /** One direction's reading of the source and writing into the target. */
    private record Session(InfluxWindows windows, InfluxTargetWriter target) implements DirectionSessions.Session {
        @Override
        public void close() {
            try {
                windows.close();
            } finally {
                target.close();
            }
        }
    }

    public InfluxReplication(RegionDirectory regions, ReplicationConfig config, Checkpoints checkpoints,
                             ProgressBoard progress, Clock clock) {
        this(regions, config, checkpoints, progress, clock, POINTS_PER_ROUND);
    }

    /** @param pointsPerRound how many points one round copies at most */
    InfluxReplication(RegionDirectory regions, ReplicationConfig config, Checkpoints checkpoints, ProgressBoard progress,
                      Clock clock, int pointsPerRound) {
        this.regions = regions;
        this.config = config;
        this.progress = progress;
        this.clock = clock;
        this.pointsPerRound = pointsPerRound;
        this.sessions = new DirectionSessions<>(checkpoints, StoreKind.INFLUXDB, InfluxCheckpoint.class, this::open);
    }

    private Session open(Direction direction, Optional<InfluxCheckpoint> saved) {
        InfluxCheckpoint checkpoint = saved.orElseGet(InfluxCheckpoint::fresh);
        ReplicationProgress p = progress(direction);
        if (p.appliedCount() == 0) {
            p.restore(checkpoint.points(), checkpoint.bytes());
        }
        return new Session(new InfluxWindows(direction, regions.get(direction.source()).config().requireInfluxdb(),
                config, checkpoint, clock), new InfluxTargetWriter(regions.get(direction.target()).config().requireInfluxdb()));
    }

    @Override
    public StoreKind store() {
        return StoreKind.INFLUXDB;
    }

    @Override
    public InfluxPoints read(Direction direction) {
        Session session = sessions.open(direction);
        synchronized (session) {
            InfluxPoints points = session.windows().next(pointsPerRound);
            progress(direction).phase(points.reached().completeUntil(session.windows().databases()) == null
                    ? ReplicationProgress.Phase.INITIAL_SYNC : ReplicationProgress.Phase.STREAMING);
            return points;
        }
    }

    /** Nothing to read: a point written again is the same point, so the target need not be compared. */
    @Override
    public InfluxPoints readTarget(InfluxPoints points) {
        return points;
    }

    /** Every point is applied: a time-windowed copy cannot tell a conflict from a late point, and needs not. */
    @Override
    public Classified<InfluxCheckpoint> classify(InfluxPoints points) {
        List<Outcome> outcomes = points.lines().isEmpty() ? List.of()
                : List.of(new Outcome.Apply<>(points.direction(), StoreKind.INFLUXDB, points, points.size()));
        return new Classified<>(points.direction(), StoreKind.INFLUXDB, outcomes, points.reached(), points.size(),
                points.more());
    }

    /** Writes the points; a refusal fails the round (InfluxDB refuses a batch, not a point), which then starts over. */
    @Override
    public List<ReplicationFailure> write(Outcome.Apply<InfluxPoints> apply) {
        InfluxPoints points = apply.writes();
        Session session = sessions.active(points.direction());
        synchronized (session) {
            session.target().write(points.database(), points.lines());
            // the oldest watermark, not the newest point: until a window is finished, older points may be missing
            progress(points.direction()).applied(points.newPoints(), points.newBytes(),
                    points.reached().completeUntil(session.windows().databases()));
        }
        return List.of();
    }

    @Override
    public void hold(Outcome.Held<InfluxPoints> held) {
        throw new IllegalStateException("InfluxDB replication holds no records");
    }

    @Override
    public RoundResult checkpoint(Classified<InfluxCheckpoint> batch) {
        Session session = sessions.current(batch.direction());
        RoundResult result = sessions.checkpoint(batch);
        if (session != null && !result.failed()) {
            Duration behind = session.windows().behind();
            long backlog = behind == null || behind.isNegative() ? 0 : behind.toSeconds();
            Instant complete = batch.reached().completeUntil(session.windows().databases());
            progress(batch.direction()).polled(!batch.more(), backlog, complete);
        }
        return result;
    }

    /**
     * Never called for InfluxDB: its replication records no conflicts. A point is its measurement, tag set and
     * timestamp, and replication only copies. The windows do not cascade (a window reads the source by time, not
     * a log of changes, and points a reverse direction wrote are identical rewrites), so two directions cannot
     * loop; a target point with the same key and other fields is overwritten by the source's (last write wins, by
     * arrival). The target of a DR pair is not written by applications while inactive.
     */
    @Override
    public ConflictVersions describe(Outcome.Conflicting<InfluxPoints> conflicting) {
        throw new IllegalStateException("InfluxDB replication records no conflicts");
    }

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
        return Map.of("dataPoints", sessions.latest(direction).map(InfluxCheckpoint::points).orElse(0L));
    }

    private ReplicationProgress progress(Direction direction) {
        return progress.of(direction, StoreKind.INFLUXDB);
    }

    @Override
    public void close() {
        sessions.closeAll();
    }
}
