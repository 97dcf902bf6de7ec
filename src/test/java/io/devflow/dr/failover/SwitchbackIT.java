package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.store.mongodb.MongoFingerprints;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.RedisData;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover us-east-1 -> us-west-2 and switchback, in {@code dr server} between real regions (mongo-java-server,
 * redis-server, s3proxy; file routing; replication last-write-wins), with about 200 writes a second flowing from an
 * application that follows the routing file: it writes a numbered document (and a Redis key) to the region the file
 * names, and pauses while that region is draining. After the switchback every write the application saw
 * acknowledged is in us-east-1, and once replication settles both regions hold the same data.
 */
class SwitchbackIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final List<Integer> REDIS_DATABASES = List.of(0, 3);

    @TempDir
    Path dir;
    TestEnvironment env;
    DrRuntime runtime;
    Writer writer;

    @AfterEach
    void stop() throws InterruptedException {
        if (writer != null) {
            writer.stop();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void shouldLoseNoAcknowledgedWriteWhenSwitchingBackUnderLoadAndEndWithEqualRegions() throws Exception {
        Path routingFile = dir.resolve("routing").resolve("active-region.json");
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            dr.putObject("recovery").put("rpo", 15).putObject("failover").putObject("routing").put("provider", "file")
                    .putObject("file").put("path", routingFile.toString());
            ServerReplication.replication(dr, "last-write-wins");
        }, EAST, WEST);
        for (String region : List.of(EAST, WEST)) {
            // mongo-java-server opens its oplog with the first write
            env.client(region).getDatabase("devflow").getCollection("things")
                    .insertMany(IntStream.range(0, 20).mapToObj(BsonSamples::everyType).toList());
        }
        DrServices services = env.services();
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, ServerReplication.FAST);
        Leaders.awaitLeading(services);
        for (String region : List.of(EAST, WEST)) {
            for (StoreKind store : List.of(StoreKind.MONGODB, StoreKind.REDIS)) {
                BackupRecord backup = runtime.producer().requestBody("direct:backup",
                        new BackupRequest(BackupType.FULL, store, RegionId.of(region), "cli"), BackupRecord.class);
                assertThat(backup.isCompleted()).as("backup of %s in %s: %s", store, region, backup.error()).isTrue();
            }
        }
        ServerReplication.awaitStreaming(services, DEADLINE);

        writer = new Writer(routingFile);
        writer.start();
        Poll.until("writes acknowledged by us-east-1", DEADLINE, () -> writer.acknowledgedIn(EAST) >= 400);

        FailoverRecord failover = failOver(services, WEST);
        assertThat(failover.state()).as(Json.pretty(failover)).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(failover.plan().switchback()).isFalse();
        Poll.until("writes acknowledged by us-west-2", DEADLINE, () -> writer.acknowledgedIn(WEST) >= 600);

        FailoverRecord switchback = failOver(services, EAST);
        assertThat(switchback.state()).as(Json.pretty(switchback)).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(switchback.plan().switchback()).isTrue();
        long atSwitchback = writer.acknowledged().size();
        Poll.until("writes acknowledged by us-east-1 again", DEADLINE,
                () -> writer.acknowledged().size() >= atSwitchback + 200);
        writer.stop();

        assertThat(services.activeRegions().fresh().region().value()).isEqualTo(EAST);
        assertThat(writer.errors()).as("writes that failed (never acknowledged)").isLessThan(50);
        Map<Long, String> acknowledged = writer.acknowledged();
        assertThat(acknowledged.values()).contains(EAST, WEST);
        List<Long> missing = new ArrayList<>();
        try (var documents = env.client(EAST).getDatabase("devflow").getCollection("writes").find().iterator()) {
            Set<Long> present = ConcurrentHashMap.newKeySet();
            documents.forEachRemaining(d -> present.add(d.getLong("_id")));
            acknowledged.keySet().stream().filter(seq -> !present.contains(seq)).sorted().forEach(missing::add);
        }
        assertThat(missing).as("acknowledged writes missing in us-east-1 after the switchback (of %d)",
                acknowledged.size()).isEmpty();
        try (Jedis jedis = new Jedis("127.0.0.1", env.redis(EAST).port())) {
            assertThat(acknowledged.keySet().stream().filter(seq -> jedis.get("write:" + seq) == null).toList())
                    .as("acknowledged Redis writes missing in us-east-1").isEmpty();
        }
        Poll.until("MongoDB and Redis of both regions equal", DEADLINE, () -> equalRegions());
        assertThat(MongoFingerprints.ofDatabase(env.client(WEST), "devflow"))
                .isEqualTo(MongoFingerprints.ofDatabase(env.client(EAST), "devflow"));
        assertThat(RedisData.snapshot(env.redis(WEST).port(), REDIS_DATABASES))
                .isEqualTo(RedisData.snapshot(env.redis(EAST).port(), REDIS_DATABASES));
        JsonNode routing = Json.MAPPER.readTree(Files.readAllBytes(routingFile));
        assertThat(routing.path("activeRegion").asText()).isEqualTo(EAST);
        assertThat(routing.path("failoverId").asText()).isEqualTo(switchback.id());
    }

    /**
     * Starts a failover once its plan would run (a switchback waits for zero lag, which writes flowing make come
     * and go) and waits until it ends.
     */
    private static FailoverRecord failOver(DrServices services, String target) throws InterruptedException {
        FailoverRequest request = new FailoverRequest(RegionId.of(target), "drill", false, FailoverRequest.Trigger.MANUAL,
                "SwitchbackIT");
        FailoverRecord[] started = new FailoverRecord[1];
        Poll.until("a failover to " + target + " started", DEADLINE, () -> {
            if (!services.failovers().plan(request).runnable()) {
                return false;
            }
            started[0] = services.failovers().start(request);
            return started[0].state() != FailoverRecord.State.REFUSED;
        });
        Poll.until("the failover to " + target + " ended", DEADLINE, () -> services.failovers().get(started[0].id())
                .map(r -> r.state().finished()).orElse(false));
        return services.failovers().get(started[0].id()).orElseThrow();
    }

    private boolean equalRegions() {
        return MongoFingerprints.ofDatabase(env.client(WEST), "devflow")
                .equals(MongoFingerprints.ofDatabase(env.client(EAST), "devflow"))
                && RedisData.snapshot(env.redis(WEST).port(), REDIS_DATABASES)
                .equals(RedisData.snapshot(env.redis(EAST).port(), REDIS_DATABASES));
    }

    /**
     * The application: about 200 writes a second, each a numbered document and a Redis key in the region the routing
     * file names (us-east-1 while there is none), none while it says draining. Records which writes were
     * acknowledged, and by which region.
     */
    private final class Writer {

        private final Path routingFile;
        private final Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong errors = new AtomicLong();
        private final Thread thread;

        Writer(Path routingFile) {
            this.routingFile = routingFile;
            this.thread = new Thread(this::run, "test-application-writes");
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        Map<Long, String> acknowledged() {
            return Map.copyOf(acknowledged);
        }

        long acknowledgedIn(String region) {
            return acknowledged.values().stream().filter(region::equals).count();
        }

        long errors() {
            return errors.get();
        }

        private void run() {
            Map<String, Jedis> redis = Map.of(EAST, new Jedis("127.0.0.1", env.redis(EAST).port()),
                    WEST, new Jedis("127.0.0.1", env.redis(WEST).port()));
            long seq = 0;
            try {
                while (running.get()) {
                    long next = System.nanoTime() + 5_000_000;
                    String region = writableRegion();
                    if (region != null) {
                        seq++;
                        try {
                            writes(region).insertOne(new Document("_id", seq).append("seq", seq).append("region", region));
                            redis.get(region).set("write:" + seq, region);
                            acknowledged.put(seq, region);
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                    }
                    // pacing at about 200 writes a second, not a wait for anything
                    long pause = next - System.nanoTime();
                    if (pause > 0) {
                        Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                redis.values().forEach(Jedis::close);
            }
        }

        private MongoCollection<Document> writes(String region) {
            return env.client(region).getDatabase("devflow").getCollection("writes");
        }

        /** The region the routing file sends writes to; null while it is draining. */
        private String writableRegion() {
            try {
                JsonNode routing = Json.MAPPER.readTree(Files.readAllBytes(routingFile));
                return "draining".equals(routing.path("state").asText()) ? null : routing.path("activeRegion").asText();
            } catch (NoSuchFileException e) {
                return EAST;
            } catch (IOException e) {
                errors.incrementAndGet();
                return null;
            }
        }
    }
}
