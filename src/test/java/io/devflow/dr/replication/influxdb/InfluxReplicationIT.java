package io.devflow.dr.replication.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.RegionalStateStore;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.embedded.EmbeddedInflux;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.testing.ControlStates;
import io.devflow.dr.testing.InfluxAvailable;
import io.devflow.dr.testing.InfluxData;
import io.devflow.dr.testing.ReplicationRound;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * InfluxDB replication between two real influxd servers, driven as the worker route drives it (one round after
 * another: read, write, checkpoint): the initial sync copies every point with its types, tags and nanoseconds while the source is being
 * written; a restarted replicator resumes from the checkpoint, mid initial sync and mid stream; late points
 * within the overlap are copied; a target that goes away and comes back catches up.
 */
@InfluxAvailable
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InfluxReplicationIT {

    static final Direction DIRECTION = Direction.of(EAST, WEST);
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long SECOND = 1_000_000_000L;
    static final String CHECKPOINT = "replication/checkpoints/" + DIRECTION.id() + "/influxdb";

    final Clock clock = Clock.systemUTC();
    TestEnvironment env;
    EmbeddedInflux restartedWest;

    @BeforeAll
    void start(@TempDir Path dir) {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.INFLUXDB), EAST, WEST);
        ObjectNode replication = env.drConfig().putObject("replication");
        replication.put("checkpointIntervalSeconds", 1);
        replication.putObject("influxdb").put("windowSeconds", 1).put("overlapSeconds", 30);
    }

    @AfterAll
    void stop() {
        if (restartedWest != null) {
            restartedWest.close();
        }
        env.close();
    }

    @Test
    void shouldCopyEveryPointInTheInitialSyncAndFollowConcurrentWrites() throws Exception {
        try (Fixture f = new Fixture("sync")) {
            List<String> initial = new ArrayList<>(List.of(
                    "cpu,host=a,region=us-east usage=0.5,count=3i,state=\"ok\",up=true " + (T0 + 1),
                    "cpu,host=b usage=1,count=-4i,state=\"say \\\"hi\\\" \\\\ bye\",up=false " + (T0 + 2),
                    "cpu,host=a usage=1e-300,count=9223372036854775807i " + (T0 + 3),
                    "disk\\ usage,device=sd\\ a,mount=/var\\,log free=12.25 " + (T0 + 4)));
            for (int i = 0; i < 12_000; i++) {
                initial.add("load,host=h" + (i % 7) + " value=" + (i * 0.25) + ",seq=" + i + "i " + (T0 + 1_000 + i));
            }
            f.east.write(f.database, initial);
            InfluxReplication replicator = f.replicator(4_000);
            ReplicationProgress progress = f.progress();

            try (Writer writer = f.writer("live", Duration.ofSeconds(3))) {
                ReplicationRound.Result first = step(replicator, progress);
                assertThat(progress.phase()).isEqualTo(ReplicationProgress.Phase.INITIAL_SYNC);
                assertThat(first.applied()).isEqualTo(4_000);
                assertThat(first.more()).isTrue();

                runUntil(replicator, progress, () -> writer.done() && caughtUpPast(progress, writer.last()));
            }

            assertThat(progress.phase()).isEqualTo(ReplicationProgress.Phase.STREAMING);
            f.assertSamePoints();
            assertThat(f.west.series(f.database, "SHOW FIELD KEYS FROM cpu").get(0).path("values").toString())
                    .contains("[\"count\",\"integer\"]").contains("[\"state\",\"string\"]")
                    .contains("[\"up\",\"boolean\"]").contains("[\"usage\",\"float\"]");
            replicator.stop(DIRECTION);
            JsonNode checkpoint = f.state.read(CHECKPOINT).map(StateDocument::content).orElseThrow();
            Instant watermark = Instant.parse(checkpoint.path("databases").path(f.database).path("watermark").asText());
            assertThat(watermark).isBefore(clock.instant().minus(InfluxReplication.SETTLE)).isEqualTo(progress.completeUntil());
            assertThat(checkpoint.path("databases").path(f.database).has("copying")).isFalse();
            // Every point is new once; a late point caught by the overlap would be copied but not counted.
            assertThat(checkpoint.path("points").asLong()).isBetween((long) initial.size(), (long) f.export(f.east).size());
            assertThat(replicator.targetCounts(DIRECTION)).containsEntry("dataPoints", checkpoint.path("points").asLong());
        }
    }

    @Test
    void shouldResumeFromTheCheckpointAfterARestartMidInitialSyncAndMidStream() throws Exception {
        try (Fixture f = new Fixture("restart")) {
            List<String> initial = new ArrayList<>();
            for (int i = 0; i < 9_000; i++) {
                initial.add("alpha,host=h" + (i % 5) + " value=" + i + "i " + (T0 + i));
            }
            for (int i = 0; i < 6_000; i++) {
                initial.add("beta,host=h" + (i % 3) + " value=" + (i + 0.5) + " " + (T0 + i));
            }
            f.east.write(f.database, initial);

            try (Writer writer = f.writer("live", Duration.ofSeconds(4))) {
                InfluxReplication first = f.replicator(4_000);
                ReplicationProgress progress = f.progress();
                runUntil(first, progress, () -> f.checkpointFinished("alpha"));
                first.close();

                // The second run finishes the initial sync without copying alpha again.
                InfluxReplication second = f.replicator(4_000);
                progress = f.progress();
                long copiedBySecond = 0;
                for (int round = 0; round < 20 && progress.phase() != ReplicationProgress.Phase.STREAMING; round++) {
                    copiedBySecond += step(second, progress).applied();
                }
                assertThat(progress.phase()).isEqualTo(ReplicationProgress.Phase.STREAMING);
                assertThat(copiedBySecond).isLessThan(9_000);
                runUntil(second, progress, () -> !f.checkpointWatermark().isBefore(clock.instant().minusSeconds(2)));
                second.close();

                InfluxReplication third = f.replicator(4_000);
                ReplicationProgress resumed = f.progress();
                step(third, resumed);
                assertThat(resumed.phase()).isEqualTo(ReplicationProgress.Phase.STREAMING);
                runUntil(third, resumed, () -> writer.done() && caughtUpPast(resumed, writer.last()));
                third.close();
            }

            f.assertSamePoints();
        }
    }

    @Test
    void shouldCopyLatePointsWithinTheConfiguredOverlap() throws Exception {
        try (Fixture f = new Fixture("late")) {
            f.east.write(f.database, List.of("early value=1 " + (T0 + 1)));
            InfluxReplication replicator = f.replicator(ReplicationConfigs.overlap(f.config, Duration.ofSeconds(20)));
            ReplicationProgress progress = f.progress();
            runUntil(replicator, progress, progress::caughtUp);
            Instant watermark = progress.completeUntil();

            String withinOverlap = "late,host=a value=10i " + (InfluxWindows.nanos(watermark) - 10 * SECOND);
            String beforeOverlap = "late,host=a value=30i " + (InfluxWindows.nanos(watermark) - 30 * SECOND);
            f.east.write(f.database, List.of(withinOverlap, beforeOverlap));
            Instant written = clock.instant();
            runUntil(replicator, progress, () -> !progress.completeUntil().isBefore(written));
            replicator.stop(DIRECTION);

            assertThat(f.lines(f.west, "late,")).containsExactly(withinOverlap);

            // A longer overlap reaches the older point with the next window.
            InfluxReplication longer = f.replicator(ReplicationConfigs.overlap(f.config, Duration.ofSeconds(60)));
            Instant restarted = clock.instant();
            runUntil(longer, progress, () -> !progress.completeUntil().isBefore(restarted));
            longer.stop(DIRECTION);

            assertThat(f.lines(f.west, "late,")).containsExactlyInAnyOrder(withinOverlap, beforeOverlap);
            f.assertSamePoints();
        }
    }

    @Test
    void shouldCatchUpWhenTheTargetComesBack() throws Exception {
        try (Fixture f = new Fixture("outage")) {
            f.east.write(f.database, List.of("metric,host=a value=1 " + (T0 + 1), "metric,host=b value=2 " + (T0 + 2)));
            InfluxReplication replicator = f.replicator(4_000);
            ReplicationProgress progress = f.progress();
            runUntil(replicator, progress, progress::caughtUp);

            EmbeddedInflux west = restartedWest != null ? restartedWest : env.influx(WEST);
            int port = west.port();
            west.close();
            String target = "InfluxDB http://127.0.0.1:" + port;
            try (Writer writer = f.writer("during", Duration.ofSeconds(2))) {
                // the next window holds a new point only once one has been written and has settled
                while (writer.last() == 0 && !writer.done()) {
                    Thread.sleep(10);
                }
                Thread.sleep(InfluxReplication.SETTLE.toMillis() + 1_000);
                assertThatThrownBy(() -> step(replicator, progress))
                        .isInstanceOf(RemoteOperationException.class)
                        .hasMessageContaining("to " + f.database + " on " + target + " failed: " + target
                                + " is unreachable (connection refused)");
                // With the session gone, the next round fails at once, where it prepares the target database.
                assertThatThrownBy(() -> step(replicator, progress))
                        .isInstanceOf(RemoteOperationException.class)
                        .hasMessageContaining("CREATE DATABASE").hasMessageContaining(target + " is unreachable");
                writer.await();
            }

            restartedWest = EmbeddedInflux.start(env.dir().resolve("influx-" + WEST), port);
            try (Writer writer = f.writer("after", Duration.ofSeconds(1))) {
                runUntil(replicator, progress, () -> writer.done() && caughtUpPast(progress, writer.last()));
            }
            replicator.close();

            assertThat(f.lines(f.west, "during,")).hasSizeGreaterThan(10);
            f.assertSamePoints();
        }
    }

    // --- the worker loop ---

    /** One round of the worker route; {@code progress} is the replication's own, read by the caller. */
    private static ReplicationRound.Result step(InfluxReplication replicator, ReplicationProgress progress) {
        return ReplicationRound.run(replicator, DIRECTION, null, null, Clock.systemUTC());
    }

    /** Rounds until {@code done}; the limit is generous, as a loaded machine may be slow but the result is the same. */
    private static void runUntil(InfluxReplication replicator, ReplicationProgress progress, BooleanSupplier done)
            throws InterruptedException {
        Duration within = Duration.ofSeconds(60);
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            ReplicationRound.Result batch = step(replicator, progress);
            if (done.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("replication did not get there within " + within.toSeconds() + " s; phase " + progress.phase()
                        + ", complete until " + progress.completeUntil() + ", caught up " + progress.caughtUp());
            }
            if (!batch.more()) {
                Thread.sleep(200);
            }
        }
    }

    /** Caught up, with every point up to the given time in the target. */
    private static boolean caughtUpPast(ReplicationProgress progress, long nanos) {
        return progress.caughtUp() && progress.completeUntil() != null
                && InfluxWindows.nanos(progress.completeUntil()) >= nanos;
    }

    // --- one test's database, replicators and checkpoint ---

    /** A database of its own in both regions, a fresh checkpoint, and clients of both servers. */
    final class Fixture implements AutoCloseable {
        final String database;
        final RegionDirectory regions;
        final RegionalStateStore state;
        final ReplicationConfig config;
        final InfluxHttp east;
        final InfluxHttp west;
        final List<AutoCloseable> closeables = new ArrayList<>();
        /** The live progress of the replication made last: a new one for each restart, as a new process has. */
        ProgressBoard board;

        Fixture(String database) {
            this.database = database;
            for (String region : List.of(EAST, WEST)) {
                ((ObjectNode) env.drConfig().path("regions").path(region).path("influxdb")).putArray("databases").add(database);
            }
            env.writeConfig();
            DrConfig drConfig = env.config();
            this.regions = new RegionDirectory(drConfig);
            this.state = ControlStates.of(regions, env.services(), clock);
            this.config = drConfig.replication().orElseThrow();
            this.east = new InfluxHttp(drConfig.requireRegion(EAST).requireInfluxdb());
            this.west = new InfluxHttp(drConfig.requireRegion(WEST).requireInfluxdb());
            state.delete(CHECKPOINT);
            east.execute("CREATE DATABASE " + database);
        }

        /** A replication as a restarted process makes it: fresh progress, the checkpoint saved so far. */
        InfluxReplication replicator(int pointsPerRound) {
            board = new ProgressBoard(clock);
            return track(new InfluxReplication(regions, config, checkpoints(), board, clock, pointsPerRound));
        }

        /** A replication with other settings, reporting into the same progress as the one before it. */
        InfluxReplication replicator(ReplicationConfig replication) {
            if (board == null) {
                board = new ProgressBoard(clock);
            }
            return track(new InfluxReplication(regions, replication, checkpoints(), board, clock,
                    InfluxReplication.POINTS_PER_ROUND));
        }

        /** A new instance each time, as a restarted process has. */
        private Checkpoints checkpoints() {
            return new Checkpoints(state, Duration.ofMillis(300), clock);
        }

        private InfluxReplication track(InfluxReplication replicator) {
            closeables.add(replicator);
            return replicator;
        }

        /** The progress of the replication made last. */
        ReplicationProgress progress() {
            return board.of(DIRECTION, StoreKind.INFLUXDB);
        }

        Writer writer(String measurement, Duration duration) {
            Writer writer = new Writer(east, database, measurement, duration);
            closeables.add(writer);
            return writer;
        }

        JsonNode checkpoint() {
            return state.read(CHECKPOINT).map(StateDocument::content).orElseThrow();
        }

        boolean checkpointFinished(String measurement) {
            return state.read(CHECKPOINT).map(c -> c.content().path("databases").path(database).path("copying")
                    .path("measurements").toString().contains("\"" + measurement + "\"")).orElse(false);
        }

        Instant checkpointWatermark() {
            JsonNode watermark = checkpoint().path("databases").path(database).path("watermark");
            return watermark.isTextual() ? Instant.parse(watermark.asText()) : Instant.EPOCH;
        }

        /** Every point of the database, as the exporter writes it, sorted. */
        List<String> export(InfluxHttp http) {
            return InfluxData.points(http, database);
        }

        List<String> lines(InfluxHttp http, String prefix) {
            return export(http).stream().filter(line -> line.startsWith(prefix)).toList();
        }

        /** The target holds exactly the source's points: same lines, each once. */
        void assertSamePoints() {
            List<String> source = export(east);
            List<String> target = export(west);
            if (!source.equals(target)) {
                Set<String> inSource = new HashSet<>(source);
                Set<String> inTarget = new HashSet<>(target);
                List<String> missing = source.stream().filter(l -> !inTarget.contains(l)).limit(5).toList();
                List<String> extra = target.stream().filter(l -> !inSource.contains(l)).limit(5).toList();
                fail("the target differs: " + source.size() + " points in the source, " + target.size()
                        + " in the target; missing " + missing + ", not in the source " + extra);
            }
            assertThat(target).hasSameSizeAs(source).isNotEmpty();
        }

        @Override
        public void close() throws Exception {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
            state.close();
            regions.close();
        }
    }

    /** Replication settings with another overlap. */
    static final class ReplicationConfigs {
        static ReplicationConfig overlap(ReplicationConfig c, Duration overlap) {
            return new ReplicationConfig(c.enabled(), c.source(), c.targets(), c.stores(), c.conflicts(), c.health(),
                    c.checkpointInterval(), c.mongodb(), c.redis(), new ReplicationConfig.Influx(c.influxdb().window(), overlap));
        }
    }

    /**
     * Writes to the source for a while, as an application does: a few points every few milliseconds, stamped
     * with the current time, of every field type, with tags that need escaping.
     */
    static final class Writer implements AutoCloseable {
        private final Thread thread;
        private final AtomicLong last = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopped;

        Writer(InfluxHttp http, String database, String measurement, Duration duration) {
            long until = System.nanoTime() + duration.toNanos();
            thread = new Thread(() -> {
                long seq = 0;
                try {
                    while (!stopped && System.nanoTime() < until) {
                        long now = System.currentTimeMillis() * 1_000_000L;
                        List<String> lines = new ArrayList<>();
                        for (int i = 0; i < 5; i++, seq++) {
                            lines.add(measurement + ",host=h" + (seq % 3) + ",zone=z\\ " + (seq % 2) + " v=" + (seq * 0.125)
                                    + ",n=" + seq + "i,s=\"q\\\"" + seq + "\",ok=" + (seq % 2 == 0) + " " + (now + i));
                        }
                        http.write(database, lines);
                        last.set(now + 4);
                        Thread.sleep(5);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "influx-test-writer");
            thread.start();
        }

        boolean done() {
            return !thread.isAlive();
        }

        long last() {
            return last.get();
        }

        void await() throws InterruptedException {
            thread.join();
            assertThat(failure.get()).isNull();
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            await();
        }
    }
}
