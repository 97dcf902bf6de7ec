package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.camel.builder.AdviceWith;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failover us-east-1 -> us-west-2 run by {@code dr server} on real servers in two regions (mongo-java-server,
 * redis-server, s3proxy per region; the control state in the buckets; replication running; the file routing; Redis
 * fenced by CLIENT PAUSE WRITE, MongoDB by a hook script) with a failure injected at the end of each of the six steps
 * in turn, after the step changed what it changes. Each rollback must leave every real part as it found it: the
 * routing file's bytes, the active region and its term, Redis taking writes at us-east-1, the MongoDB hook lifted,
 * replication running us-east-1 -> us-west-2; and the record must say what was compensated. One environment serves
 * every case: each case begins by asserting the state the one before must have restored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverRollbackIT {

    static final byte[] ORIGINAL_ROUTING = "{\"activeRegion\": \"us-east-1\", \"pool\": \"blue\"}\n"
            .getBytes(StandardCharsets.UTF_8);
    static final Set<FailoverStep> CHANGING = Set.of(FailoverStep.STOP_TRAFFIC, FailoverStep.PROMOTE,
            FailoverStep.UPDATE_ROUTING);
    static final Duration FINISH = Duration.ofSeconds(60);

    /** The step whose route fails at its end in the running case (null: none). */
    final AtomicReference<FailoverStep> failing = new AtomicReference<>();

    TestEnvironment env;
    DrServices services;
    DrServices observer;
    DrRuntime runtime;
    Path routingFile;
    Path hookLog;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        routingFile = dir.resolve("routing").resolve("active-region.json");
        Files.createDirectories(routingFile.getParent());
        Files.write(routingFile, ORIGINAL_ROUTING);
        hookLog = dir.resolve("mongo-fence.log");
        Files.createFile(hookLog);
        Path hook = dir.resolve("mongo-fence.sh");
        Files.writeString(hook, "#!/bin/sh\necho \"$1 $2\" >> '" + hookLog + "'\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            ServerReplication.replication(dr, "last-write-wins");
            ObjectNode failover = dr.putObject("recovery").put("rpo", 15).putObject("failover");
            failover.putObject("routing").put("provider", "file").putObject("file").put("path", routingFile.toString());
            ObjectNode fencing = failover.putObject("fencing");
            // a pause that outlives every case: a fence left up shows as a write that does not return
            fencing.putObject("redis").put("pauseSeconds", 60);
            fencing.putObject("mongodb").putObject("hook").putArray("command").add(hook.toString());
        }, EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 20).mapToObj(i -> new Document("_id", "seed-" + i).append("v", i)).toList());
        try (Jedis jedis = new Jedis(env.redis(EAST).url())) {
            IntStream.range(0, 20).forEach(i -> jedis.set("seed:" + i, Integer.toString(i)));
        }

        services = env.services();
        observer = env.services();
        Map<String, String> overrides = new HashMap<>(ServerReplication.FAST);
        // renewals in quick succession, so that one lands while a rollback lifts the fences
        overrides.put("dr.failover.renewPeriodMs", "100");
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, overrides);
        for (FailoverStep step : FailoverStep.values()) {
            AdviceWith.adviceWith(runtime.context(), "failover-" + step.id(), route -> route.weaveAddLast()
                    .process(exchange -> {
                        if (failing.get() == step) {
                            throw new IllegalStateException("injected failure after " + step.id());
                        }
                    }));
        }
        Leaders.awaitLeading(services);
        awaitStreaming(Direction.of(EAST, WEST));
        for (StoreKind store : List.of(StoreKind.MONGODB, StoreKind.REDIS)) {
            BackupRecord backup = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, store, RegionId.of(WEST), "cli"), BackupRecord.class);
            assertThat(backup.isCompleted()).as("%s backup of %s: %s", store, WEST, backup.error()).isTrue();
        }
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @ParameterizedTest
    @EnumSource(FailoverStep.class)
    void shouldPutEveryRealPartBackWhenAStepFailsAtItsEnd(FailoverStep step) throws Exception {
        // what the case before must have restored, and this one must restore
        assertThat(Files.readAllBytes(routingFile)).isEqualTo(ORIGINAL_ROUTING);
        ActiveRegion before = observer.activeRegions().fresh();
        assertThat(before.region().value()).isEqualTo(EAST);
        assertThat(before.term()).isZero();
        List<String> hookCalls = Files.readAllLines(hookLog);

        failing.set(step);
        FailoverRecord started = services.failovers().start(new FailoverRequest(RegionId.of(WEST),
                "drill " + step.id(), false, FailoverRequest.Trigger.MANUAL, "oncall"));
        assertThat(started.state()).as(Json.pretty(started)).isEqualTo(FailoverRecord.State.RUNNING);
        Poll.until("failover " + started.id() + " finished", FINISH, () -> services.failovers().runningHere().isEmpty()
                && observer.failovers().get(started.id()).map(r -> r.state().finished()).orElse(false));
        failing.set(null);

        FailoverRecord record = observer.failovers().get(started.id()).orElseThrow();
        assertThat(record.state()).as(Json.pretty(record)).isEqualTo(FailoverRecord.State.ROLLED_BACK);
        assertThat(record.error()).isEqualTo(step.id() + " failed: injected failure after " + step.id());
        List<FailoverStep> ran = List.of(FailoverStep.values()).subList(0, step.ordinal() + 1);
        assertThat(record.steps()).extracting(StepRecord::step).containsExactlyElementsOf(ran);
        for (StepRecord s : record.steps()) {
            assertThat(s.outcome()).as(s.step().id()).isEqualTo(s.step() == step ? "failed" : "done");
            assertThat(s.compensation()).as(s.step().id()).isEqualTo(CHANGING.contains(s.step()) ? "done" : "none");
        }
        boolean fenced = step.compareTo(FailoverStep.STOP_TRAFFIC) >= 0;
        if (fenced) {
            JsonNode fences = record.step(FailoverStep.STOP_TRAFFIC).orElseThrow().changes().path("fences");
            assertThat(fences).as(fences.toString()).hasSize(2).allSatisfy(f -> {
                assertThat(f.path("fenced").asBoolean()).as(f.toString()).isTrue();
                assertThat(f.path("region").asText()).isEqualTo(EAST);
            });
        }
        if (step.compareTo(FailoverStep.PROMOTE) >= 0) {
            JsonNode promoted = record.step(FailoverStep.PROMOTE).orElseThrow().changes().path("promoted");
            assertThat(promoted.path("region").asText()).isEqualTo(WEST);
            assertThat(promoted.path("term").asLong()).isEqualTo(1);
        }

        // the real parts, exactly as before
        assertThat(Files.readAllBytes(routingFile)).isEqualTo(ORIGINAL_ROUTING);
        assertThat(observer.activeRegions().fresh()).isEqualTo(before);
        assertThat(Files.readAllLines(hookLog).subList(hookCalls.size(), Files.readAllLines(hookLog).size()))
                .as("the MongoDB fence hook's calls").isEqualTo(fenced ? List.of(EAST + " fence", EAST + " lift") : List.of());
        String key = "after-rollback:" + step.id();
        assertWritableWithinASecond(key);
        Document written = new Document("_id", "after-rollback-" + step.id()).append("step", step.id());
        env.client(EAST).getDatabase("devflow").getCollection("things").insertOne(written);
        Poll.until("the document written at " + EAST + " after the rollback at " + WEST, FINISH,
                () -> written.equals(env.client(WEST).getDatabase("devflow").getCollection("things")
                        .find(new Document("_id", written.get("_id"))).first()));
        Poll.until("the key written at " + EAST + " after the rollback at " + WEST, FINISH, () -> {
            try (Jedis west = new Jedis(env.redis(WEST).url())) {
                return step.id().equals(west.get(key));
            }
        });
    }

    /** A SET at us-east-1 from a client of its own answers within a second: no write pause is left. */
    private void assertWritableWithinASecond(String key) {
        long started = System.nanoTime();
        try (Jedis east = new Jedis(new HostAndPort("127.0.0.1", env.redis(EAST).port()),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(1_000).socketTimeoutMillis(1_000).build())) {
            assertThat(east.set(key, key.substring(key.indexOf(':') + 1))).isEqualTo("OK");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a SET at " + EAST)
                .isLessThan(Duration.ofSeconds(1));
    }

    private void awaitStreaming(Direction direction) throws InterruptedException {
        ReplicationService replication = services.replication().orElseThrow();
        Poll.until(direction + " streaming in MongoDB and Redis", FINISH, () -> List.of(StoreKind.MONGODB, StoreKind.REDIS)
                .stream().allMatch(s -> replication.progress(direction, s).phase() == ReplicationProgress.Phase.STREAMING));
    }
}
