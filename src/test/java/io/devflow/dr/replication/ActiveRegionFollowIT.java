package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.backup.ScheduledBackups;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.embedded.EmbeddedInflux;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.mongodb.MongoFingerprints;
import io.devflow.dr.testing.InfluxData;
import io.devflow.dr.testing.RedisData;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On real servers in two regions, as {@code dr server} runs: the drain of a handover waits until what was written
 * is at the target; the active region moves to us-west-2 and replication turns around (writes there reach
 * us-east-1 in every store), backups and the capture worker follow it (a new chain there, begun with a full
 * backup), and after the active region moves back everything is where it was written and both regions hold the
 * same data; a drain of a stopped replication gives up at its bound and says it did not catch up.
 */
class ActiveRegionFollowIT {

    static final List<Integer> REDIS_DATABASES = List.of(0, 3);

    @TempDir
    Path dir;
    TestEnvironment env;
    DrRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void replicationBackupsAndCaptureFollowTheActiveRegionAndTurnBackWithNothingLost() throws Exception {
        boolean influx = EmbeddedInflux.executable().isPresent();
        Set<StoreKind> stores = influx ? EnumSet.allOf(StoreKind.class) : EnumSet.of(StoreKind.MONGODB, StoreKind.REDIS);
        env = TestEnvironment.startWith(dir, stores, dr -> {
            dr.with("backup").with("incremental").put("captureWorker", true).put("segmentMinutes", 1);
            ObjectNode replication = dr.putObject("replication");
            replication.put("conflictResolution", "last-write-wins").put("checkpointIntervalSeconds", 1);
            replication.putObject("redis").put("reconcileIntervalSeconds", 5);
            replication.putObject("influxdb").put("windowSeconds", 1).put("overlapSeconds", 10);
        }, EAST, WEST);
        InfluxHttp eastInflux = influx ? new InfluxHttp(env.config().requireRegion(EAST).requireInfluxdb()) : null;
        InfluxHttp westInflux = influx ? new InfluxHttp(env.config().requireRegion(WEST).requireInfluxdb()) : null;
        if (influx) {
            eastInflux.execute("CREATE DATABASE metrics");
            westInflux.execute("CREATE DATABASE metrics");
        }
        writeAll(EAST, "seed", 50, influx);

        DrServices services = env.services();
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, ServerReplication.FAST);
        ReplicationService replication = services.replication().orElseThrow();
        ReplicationHandover handover = services.handover().orElseThrow();
        ActiveRegions active = services.activeRegions();
        Direction eastToWest = Direction.of(EAST, WEST);
        Direction westToEast = eastToWest.reverse();
        awaitStreaming(replication, eastToWest, stores);
        BackupRecord eastFull = backup(BackupType.FULL, StoreKind.MONGODB, EAST);
        assertThat(eastFull.isCompleted()).as("the first full backup of %s: %s", EAST, eastFull.error()).isTrue();

        awaitCapturing(services, EAST);

        // the drain: what was written before it began is at the target when it says so
        writeAll(EAST, "before-drain", 200, influx);
        ReplicationHandover.Drained drained = handover.drain(RegionId.of(EAST), RegionId.of(WEST), Duration.ofSeconds(60));
        assertThat(drained.caughtUp()).as("drained: %s", drained).isTrue();
        assertThat(drained.stores().keySet()).containsExactlyInAnyOrderElementsOf(stores);
        assertWritten(WEST, "before-drain", 200, influx);

        // failover: us-west-2 becomes active, and replication turns around at the next round of each store
        ActiveRegion promoted = active.promote(active.fresh(), RegionId.of(WEST), "drill-1", "ActiveRegionFollowIT");
        assertThat(promoted.term()).isEqualTo(1);
        awaitStreaming(replication, westToEast, stores);
        await("the old direction stopped in every store", Duration.ofSeconds(30), () -> stores.stream()
                .allMatch(s -> replication.progress(eastToWest, s).phase() == ReplicationProgress.Phase.STOPPED));
        assertThat(replication.directions()).containsExactly(westToEast);
        assertThat(replication.report().source()).isEqualTo(WEST);

        writeAll(WEST, "after-failover", 150, influx);
        ReplicationHandover.Drained reversed = handover.drain(RegionId.of(WEST), RegionId.of(EAST), Duration.ofSeconds(60));
        assertThat(reversed.caughtUp()).as("drained: %s", reversed).isTrue();
        assertWritten(EAST, "after-failover", 150, influx);

        // the capture worker committed the segment it had open in us-east-1 and began a new chain in us-west-2
        await("a segment of us-east-1 closed by the failover, and a full backup starting the chain in us-west-2",
                Duration.ofSeconds(90), () -> completed(services, EAST).stream().anyMatch(r -> r.trigger().equals("capture")
                        && r.type().equals("incremental"))
                        && completed(services, WEST).stream().anyMatch(r -> r.trigger().equals("capture")
                        && r.type().equals("full") && !r.startedAt().isBefore(promoted.since())));

        // scheduled backups are of us-west-2's stores, and an incremental there starts a chain with a full backup
        ScheduledBackups scheduled = runtime.context().getRegistry().lookupByNameAndType("scheduledBackups",
                ScheduledBackups.class);
        List<BackupRequest> requests = scheduled.requests("incremental");
        assertThat(requests).isNotEmpty().allSatisfy(r -> assertThat(r.region()).isEqualTo(RegionId.of(WEST)));
        assertThat(requests).extracting(BackupRequest::store).doesNotContain(StoreKind.MONGODB);
        assertThat(requests).allSatisfy(r -> assertThat(r.type()).isEqualTo(BackupType.FULL));
        BackupRecord westRedis = backup(BackupType.FULL, StoreKind.REDIS, WEST);
        assertThat(westRedis.isCompleted()).as("backup of us-west-2's Redis: %s", westRedis.error()).isTrue();
        assertThat(westRedis.region()).isEqualTo(WEST);
        assertThat(westRedis.items()).isEqualTo((long) RedisData.snapshot(env.redis(WEST).port(), REDIS_DATABASES).size());

        // switch back: replication turns around again, and nothing written anywhere is lost
        awaitCapturing(services, WEST);
        ActiveRegion back = active.promote(active.fresh(), RegionId.of(EAST), "drill-2", "ActiveRegionFollowIT");
        assertThat(back.term()).isEqualTo(2);
        awaitStreaming(replication, eastToWest, stores);
        writeAll(EAST, "after-switchback", 100, influx);
        ReplicationHandover.Drained again = handover.drain(RegionId.of(EAST), RegionId.of(WEST), Duration.ofSeconds(60));
        assertThat(again.caughtUp()).as("drained: %s", again).isTrue();
        for (String region : List.of(EAST, WEST)) {
            assertWritten(region, "before-drain", 200, influx);
            assertWritten(region, "after-failover", 150, influx);
            assertWritten(region, "after-switchback", 100, influx);
        }
        assertThat(MongoFingerprints.ofDatabase(env.client(WEST), "devflow"))
                .isEqualTo(MongoFingerprints.ofDatabase(env.client(EAST), "devflow"));
        assertThat(RedisData.snapshot(env.redis(WEST).port(), REDIS_DATABASES))
                .isEqualTo(RedisData.snapshot(env.redis(EAST).port(), REDIS_DATABASES));
        if (influx) {
            await("InfluxDB converged", Duration.ofSeconds(30), () -> InfluxData.points(eastInflux, "metrics")
                    .equals(InfluxData.points(westInflux, "metrics")));
        }
        await("the segment of us-west-2 closed by the switchback, continuing its new chain", Duration.ofSeconds(60),
                () -> completed(services, WEST).stream().anyMatch(r -> r.trigger().equals("capture")
                        && r.type().equals("incremental") && !r.startedAt().isBefore(promoted.since())));

        // a drain of a stopped replication gives up at its bound
        services.replicationControl().orElseThrow().request(List.of(), false, "ActiveRegionFollowIT");
        for (StoreKind store : stores) {
            ServerReplication.awaitStopped(services, store, Duration.ofSeconds(30));
        }
        writeMongo(EAST, "while-stopped", 10);
        ReplicationHandover.Drained stopped = handover.drain(RegionId.of(EAST), RegionId.of(WEST), Duration.ofSeconds(2));
        assertThat(stopped.caughtUp()).isFalse();
        assertThat(stopped.waited()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(stopped.stores().get(StoreKind.MONGODB).caughtUp()).isFalse();
        assertThat(records(WEST).find(new Document("batch", "while-stopped")).first()).isNull();
    }

    private BackupRecord backup(BackupType type, StoreKind store, String region) {
        return runtime.producer().requestBody("direct:backup", new BackupRequest(type, store, RegionId.of(region), "cli"),
                BackupRecord.class);
    }

    /** Waits until the capture worker has a segment open in the region. */
    private static void awaitCapturing(DrServices services, String region) throws InterruptedException {
        await("a capture segment open in " + region, Duration.ofSeconds(60), () -> services.running().all().stream()
                .anyMatch(r -> r.trigger().equals("capture") && r.type().equals("incremental") && r.region().equals(region)));
    }

    private static List<BackupRecord> completed(DrServices services, String region) {
        return services.catalog().completed(StoreKind.MONGODB, services.regions().get(RegionId.of(region)));
    }

    private void writeAll(String region, String batch, int count, boolean influx) throws Exception {
        writeMongo(region, batch, count);
        try (Jedis jedis = jedis(region, 0)) {
            for (int i = 0; i < count; i++) {
                jedis.set(batch + ":" + i, region + " " + i);
            }
        }
        if (influx) {
            long start = (System.currentTimeMillis() - 5_000) * 1_000_000L;
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                lines.add("cpu,batch=" + batch + " load=" + i + " " + (start + i * 1_000L));
            }
            new InfluxHttp(env.config().requireRegion(region).requireInfluxdb()).write("metrics", lines);
        }
    }

    private void writeMongo(String region, String batch, int count) {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            documents.add(new Document("_id", batch + "-" + i).append("batch", batch).append("v", i).append("at", region));
        }
        records(region).insertMany(documents);
    }

    private void assertWritten(String region, String batch, int count, boolean influx) throws Exception {
        assertThat(records(region).countDocuments(new Document("batch", batch))).as("%s documents in %s", batch, region)
                .isEqualTo(count);
        try (Jedis jedis = jedis(region, 0)) {
            for (int i = 0; i < count; i++) {
                assertThat(jedis.get(batch + ":" + i)).as("%s key %d in %s", batch, i, region).isNotNull();
            }
        }
        if (influx) {
            InfluxHttp http = new InfluxHttp(env.config().requireRegion(region).requireInfluxdb());
            assertThat(InfluxData.points(http, "metrics").stream().filter(p -> p.contains(batch)).count())
                    .as("%s points in %s", batch, region).isEqualTo(count);
        }
    }

    private MongoCollection<Document> records(String region) {
        return env.client(region).getDatabase("devflow").getCollection("records");
    }

    private Jedis jedis(String region, int database) {
        Jedis jedis = new Jedis("127.0.0.1", env.redis(region).port());
        jedis.select(database);
        return jedis;
    }

    private static void awaitStreaming(ReplicationService replication, Direction direction, Set<StoreKind> stores)
            throws InterruptedException {
        await(direction + " streaming in every store", Duration.ofSeconds(90), () -> stores.stream()
                .allMatch(s -> replication.progress(direction, s).phase() == ReplicationProgress.Phase.STREAMING));
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }
}
