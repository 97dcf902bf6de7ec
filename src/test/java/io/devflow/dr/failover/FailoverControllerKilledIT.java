package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerProcess;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failover us-east-1 -> us-west-2 started through the API of the leading {@code dr server} of two (processes of
 * their own, elected through a real ZooKeeper), on real stores in two regions (mongo-java-server, redis-server,
 * s3proxy; replication running; the file routing; Redis fenced by CLIENT PAUSE WRITE, MongoDB by a hook script),
 * whose leader is killed with SIGKILL in the middle of it. The standby that takes over finishes it from its record:
 * <ul>
 * <li>held in its stop-traffic step (the MongoDB fence hook has fenced and does not return), before promote: rolled
 *     back, every real part as before (routing file bytes, active region document, the hook's fence, Redis writes,
 *     replication us-east-1 -> us-west-2);</li>
 * <li>held in its verify step (a smoke URL that does not answer), after promote: completed, us-west-2 active and
 *     routed to, the source's fences lifted, replication us-west-2 -> us-east-1.</li>
 * </ul>
 */
class FailoverControllerKilledIT {

    private static final int SESSION_MS = 6_000;
    private static final Duration LONG = Duration.ofSeconds(120);
    /** From the kill: a session expiry, an election, a recovery pass (every 10 s) and the steps left to run. */
    private static final Duration TAKEOVER = Duration.ofSeconds(240);
    private static final byte[] ORIGINAL_ROUTING = "{\"activeRegion\": \"us-east-1\", \"pool\": \"blue\"}\n"
            .getBytes(StandardCharsets.UTF_8);
    private static final String ACTIVE_REGION_KEY = "dr/control/regions/active.json";

    /** Kept when a test fails: the servers' logs (node-a/node-a.log, node-b/node-b.log) tell what they did. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    TestingServer zookeeper;
    TestEnvironment env;
    final List<ServerProcess> servers = new ArrayList<>();
    Path routingFile;
    Path hookCalls;
    Path hookFenced;
    Path hookRelease;
    HttpServer smoke;
    ExecutorService smokeThreads;
    final AtomicInteger smokeCalls = new AtomicInteger();
    final CountDownLatch smokeHeld = new CountDownLatch(1);
    final CountDownLatch smokeReleased = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        zookeeper = new TestingServer(new InstanceSpec(dir.resolve("zookeeper").toFile(), TestEnvironment.freePort(), -1,
                -1, true, 1, 500, 60), true);
        routingFile = dir.resolve("routing").resolve("active-region.json");
        Files.createDirectories(routingFile.getParent());
        Files.write(routingFile, ORIGINAL_ROUTING);
        hookCalls = dir.resolve("mongo-fence-calls.txt");
        Files.createFile(hookCalls);
        hookFenced = dir.resolve("mongo-fenced-" + EAST);
        hookRelease = dir.resolve("mongo-fence-release");
    }

    @AfterEach
    void stop() throws Exception {
        smokeReleased.countDown();
        if (smoke != null) {
            smoke.stop(0);
            smokeThreads.shutdownNow();
        }
        Files.writeString(hookRelease, "");
        for (ServerProcess server : servers) {
            server.close();
        }
        if (env != null) {
            env.close();
        }
        zookeeper.close();
    }

    @Test
    void shouldRollBackAFailoverWhoseControllerWasKilledBeforeItsPromoteStepCompleted() throws Exception {
        startRegions(true, Optional.empty());
        ServerProcess a = leaderAndStandby();
        ServerProcess b = servers.get(1);
        DrServices observer = env.services();
        ActiveRegion activeBefore = observer.activeRegions().fresh();
        Map<String, Optional<String>> activeDocumentsBefore = activeRegionDocuments();

        FailoverRecord started = startFailover(a);
        Poll.until("the MongoDB fence hook fenced " + EAST + " and holds", LONG, () -> Files.exists(hookFenced));
        FailoverRecord held = observer.failovers().get(started.id()).orElseThrow();
        assertThat(held.state()).as(Json.pretty(held)).isEqualTo(FailoverRecord.State.RUNNING);
        assertThat(held.steps()).extracting(StepRecord::step)
                .containsExactly(FailoverStep.VALIDATE_TARGET, FailoverStep.STOP_TRAFFIC);
        StepRecord stopping = held.step(FailoverStep.STOP_TRAFFIC).orElseThrow();
        assertThat(stopping.outcome()).isEqualTo("running");
        assertThat(stopping.changes().path("routing").path("action").asText()).isEqualTo("drain");
        assertThat(stopping.changes().path("fencing").asText()).as("the fence being set").isEqualTo("mongodb");
        assertThat(Json.MAPPER.readTree(Files.readAllBytes(routingFile)).path("state").asText()).isEqualTo("draining");

        a.kill();

        FailoverRecord finished = awaitFinishedByTheStandby(b, observer, started);
        assertThat(finished.state()).as(Json.pretty(finished)).isEqualTo(FailoverRecord.State.ROLLED_BACK);
        assertThat(finished.controller()).isEqualTo("node-b (took over from node-a, term " + started.epoch() + ")");
        assertThat(finished.error()).isEqualTo("stop-traffic failed: its controller node-a stopped during the step");
        assertThat(finished.steps()).extracting(StepRecord::step)
                .containsExactly(FailoverStep.VALIDATE_TARGET, FailoverStep.STOP_TRAFFIC);
        StepRecord validated = finished.step(FailoverStep.VALIDATE_TARGET).orElseThrow();
        assertThat(validated.outcome()).isEqualTo("done");
        assertThat(validated.compensation()).isEqualTo("none");
        StepRecord stopped = finished.step(FailoverStep.STOP_TRAFFIC).orElseThrow();
        assertThat(stopped.outcome()).isEqualTo("failed");
        assertThat(stopped.compensation()).isEqualTo("done");
        assertThat(finished.promoted()).isNull();

        // every real part as before the failover
        assertThat(Files.readAllBytes(routingFile)).isEqualTo(ORIGINAL_ROUTING);
        assertThat(observer.activeRegions().fresh()).isEqualTo(activeBefore);
        assertThat(activeRegionDocuments()).as("the stored active region, byte for byte")
                .isEqualTo(activeDocumentsBefore);
        assertThat(Files.readAllLines(hookCalls)).as("the MongoDB fence hook's calls")
                .containsExactly(EAST + " fence", EAST + " lift");
        assertThat(hookFenced).as("MongoDB's fence at " + EAST).doesNotExist();
        assertWritable(EAST, "after-rollback");
        assertReplicated(EAST, WEST, "after-rollback");
    }

    @Test
    void shouldCompleteAFailoverWhoseControllerWasKilledAfterItsPromoteStepCompleted() throws Exception {
        startRegions(false, Optional.of(startSmokeUrl()));
        ServerProcess a = leaderAndStandby();
        ServerProcess b = servers.get(1);
        DrServices observer = env.services();
        ActiveRegion activeBefore = observer.activeRegions().fresh();

        FailoverRecord started = startFailover(a);
        assertThat(smokeHeld.await(LONG.toSeconds() * 2, TimeUnit.SECONDS)).as("the verify step called the smoke URL")
                .isTrue();
        // stopped where it is, so that its smoke call cannot time out and fail the step while the record is read
        a.pause();
        FailoverRecord held = observer.failovers().get(started.id()).orElseThrow();
        assertThat(held.state()).as(Json.pretty(held)).isEqualTo(FailoverRecord.State.RUNNING);
        assertThat(held.done(FailoverStep.PROMOTE)).as(Json.pretty(held)).isTrue();
        assertThat(held.done(FailoverStep.UPDATE_ROUTING)).as(Json.pretty(held)).isTrue();
        assertThat(held.step(FailoverStep.VERIFY).map(StepRecord::outcome)).contains("running");
        assertThat(Files.readAllLines(hookCalls)).containsExactly(EAST + " fence");

        a.kill();

        FailoverRecord finished = awaitFinishedByTheStandby(b, observer, started);
        assertThat(finished.state()).as(Json.pretty(finished)).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(finished.controller()).isEqualTo("node-b (took over from node-a, term " + started.epoch() + ")");
        assertThat(finished.error()).isNull();
        assertThat(finished.steps()).extracting(StepRecord::step).containsExactly(FailoverStep.values());
        assertThat(finished.steps()).allSatisfy(s -> assertThat(s.outcome()).as(s.step().id()).isEqualTo("done"));
        JsonNode smokeResults = finished.step(FailoverStep.VERIFY).orElseThrow().changes().path("smokeUrls");
        assertThat(smokeResults).hasSize(1);
        assertThat(smokeResults.get(0).path("result").asText()).isEqualTo("200");
        assertThat(smokeCalls.get()).as("smoke calls: the one held, then the standby's").isGreaterThanOrEqualTo(2);

        ActiveRegion active = observer.activeRegions().fresh();
        assertThat(active.region().value()).isEqualTo(WEST);
        assertThat(active.term()).isEqualTo(activeBefore.term() + 1);
        assertThat(active.failoverId()).isEqualTo(started.id());
        JsonNode routing = Json.MAPPER.readTree(Files.readAllBytes(routingFile));
        assertThat(routing.path("activeRegion").asText()).isEqualTo(WEST);
        assertThat(routing.path("state").asText()).isEqualTo("active");
        assertThat(routing.path("failoverId").asText()).isEqualTo(started.id());
        // the source's fences are lifted once clients have moved
        assertThat(Files.readAllLines(hookCalls)).containsExactly(EAST + " fence", EAST + " lift");
        assertThat(hookFenced).doesNotExist();
        assertWritable(EAST, "after-completion");
        assertReplicated(WEST, EAST, "after-completion");
    }

    /**
     * Both regions with MongoDB and Redis, replicated us-east-1 -> us-west-2, a recent backup of each store in
     * us-west-2's bucket (a failover needs one). The MongoDB fence hook keeps its fence in a file; when
     * {@code holdFence}, it does not return from fencing while the process that ran it lives.
     */
    private void startRegions(boolean holdFence, Optional<URI> smokeUrl) throws IOException {
        Path hook = dir.resolve("mongo-fence.sh");
        String hold = holdFence
                ? "  while kill -0 \"$PPID\" 2>/dev/null && [ ! -e '" + hookRelease + "' ]; do sleep 0.1; done\n"
                + "  exit 1\n"
                : "";
        Files.writeString(hook, "#!/bin/sh\n"
                + "echo \"$1 $2\" >> '" + hookCalls + "'\n"
                + "fenced='" + dir + "/mongo-fenced-'\"$1\"\n"
                + "if [ \"$2\" = fence ]; then\n"
                + "  touch \"$fenced\"\n"
                + hold
                + "else\n"
                + "  rm -f \"$fenced\"\n"
                + "fi\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            ServerReplication.replication(dr, "last-write-wins");
            ObjectNode failover = dr.putObject("recovery").put("rpo", 15).putObject("failover");
            failover.putObject("routing").put("provider", "file").putObject("file").put("path", routingFile.toString());
            ObjectNode fencing = failover.putObject("fencing");
            // a pause that outlives the test: a fence left up shows as a write that does not return
            fencing.putObject("redis").put("pauseSeconds", 1_800);
            fencing.putObject("mongodb").putObject("hook").put("timeoutSeconds", 600).putArray("command")
                    .add(hook.toString());
            smokeUrl.ifPresent(url -> failover.putArray("smokeUrls").add(url.toString()));
        }, EAST, WEST);
        for (String region : List.of(EAST, WEST)) {
            // mongo-java-server opens its oplog with the first write
            env.client(region).getDatabase("devflow").getCollection("things").insertMany(IntStream.range(0, 20)
                    .mapToObj(i -> new Document("_id", "seed-" + i).append("v", i)).toList());
        }
        try (Jedis jedis = new Jedis(env.redis(EAST).url())) {
            IntStream.range(0, 20).forEach(i -> jedis.set("seed:" + i, Integer.toString(i)));
        }
        for (String store : List.of("mongodb", "redis")) {
            CliRun backup = CliRun.of("--config", env.configFile().toString(), "backup", "--type", "full", "--store",
                    store, "--region", WEST);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }
    }

    /** node-a leads, node-b is its standby, and the leader could fail over now: returns node-a. */
    private ServerProcess leaderAndStandby() throws Exception {
        ServerProcess a = server("node-a");
        Poll.until("node-a leads", LONG, a::leads);
        ServerProcess b = server("node-b");
        Poll.until("node-b runs as a standby of node-a", LONG, () -> b.leadership()
                .filter(l -> "standby".equals(l.path("role").asText()) && "node-a".equals(l.path("leader").asText()))
                .isPresent());
        Poll.until("a plan without refusals on node-a (replication streaming, lag known)", LONG, () -> {
            JsonNode plan = post(a, true);
            return plan != null && plan.path("refusals").isArray() && plan.path("refusals").isEmpty();
        });
        return a;
    }

    private FailoverRecord startFailover(ServerProcess leader) throws Exception {
        HttpResponse<String> response = leader.call("POST", "/api/failovers", body(false));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        FailoverRecord started = Json.MAPPER.readValue(response.body(), FailoverRecord.class);
        assertThat(started.controller()).isEqualTo("node-a");
        return started;
    }

    private JsonNode post(ServerProcess leader, boolean dryRun) {
        try {
            HttpResponse<String> response = leader.call("POST", "/api/failovers", body(dryRun));
            return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String body(boolean dryRun) {
        return "{\"target\": \"" + WEST + "\", \"reason\": \"controller killed drill\", \"dryRun\": " + dryRun + "}";
    }

    /** node-b leads, and the failover node-a left is finished: the record as node-b left it. */
    private FailoverRecord awaitFinishedByTheStandby(ServerProcess b, DrServices observer, FailoverRecord started)
            throws InterruptedException {
        Poll.until("node-b leads", LONG, b::leads);
        Poll.until("failover " + started.id() + " finished by node-b", TAKEOVER, () -> observer.failovers()
                .get(started.id()).map(r -> r.state().finished()).orElse(false));
        return observer.failovers().get(started.id()).orElseThrow();
    }

    private ServerProcess server(String name) throws IOException {
        ObjectNode config = env.drConfig().deepCopy();
        int port = TestEnvironment.freePort();
        ((ObjectNode) config.get("api")).put("port", port);
        ObjectNode cluster = config.putObject("cluster");
        cluster.put("instanceId", name).put("confirmWithinSeconds", 2);
        cluster.putObject("zookeeper").put("connect", zookeeper.getConnectString()).put("sessionTimeoutMs", SESSION_MS)
                .put("connectionTimeoutMs", SESSION_MS);
        Path file = dir.resolve(name).resolve("dr-config.json");
        Files.createDirectories(file.getParent());
        Files.write(file, Json.bytes(Map.of("disasterRecovery", config)));
        ServerProcess server = ServerProcess.start(name, file, port);
        servers.add(server);
        return server;
    }

    /** A smoke URL whose first call is held open until the test ends; every later call answers 200. */
    private URI startSmokeUrl() throws IOException {
        smokeThreads = Executors.newCachedThreadPool();
        smoke = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        smoke.setExecutor(smokeThreads);
        smoke.createContext("/smoke", exchange -> {
            try (exchange) {
                if (smokeCalls.incrementAndGet() == 1) {
                    smokeHeld.countDown();
                    smokeReleased.await();
                }
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        smoke.start();
        return URI.create("http://127.0.0.1:" + smoke.getAddress().getPort() + "/smoke");
    }

    /** The active region's document in each bucket, as stored (base64; empty when there is none). */
    private Map<String, Optional<String>> activeRegionDocuments() {
        return Map.of(EAST, stored(EAST, ACTIVE_REGION_KEY), WEST, stored(WEST, ACTIVE_REGION_KEY));
    }

    private Optional<String> stored(String region, String key) {
        return env.bucketStore(region).getBytes(key).map(Base64.getEncoder()::encodeToString);
    }

    /** A SET from a client of its own answers within a few seconds: no write pause is left at the region's Redis. */
    private void assertWritable(String region, String key) {
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", env.redis(region).port()),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(5_000).socketTimeoutMillis(5_000).build())) {
            assertThat(jedis.set(key, region)).isEqualTo("OK");
        }
    }

    /** A document and a Redis key written at {@code from} reach {@code to}: replication runs that way. */
    private void assertReplicated(String from, String to, String key) throws InterruptedException {
        Document written = new Document("_id", key).append("at", from);
        env.client(from).getDatabase("devflow").getCollection("things").insertOne(written);
        try (Jedis jedis = new Jedis(env.redis(from).url())) {
            jedis.set(key + ":replicated", from);
        }
        Poll.until("the document written at " + from + " in " + to, LONG, () -> written.equals(env.client(to)
                .getDatabase("devflow").getCollection("things").find(new Document("_id", key)).first()));
        Poll.until("the key written at " + from + " in " + to, LONG, () -> {
            try (Jedis jedis = new Jedis(env.redis(to).url())) {
                return from.equals(jedis.get(key + ":replicated"));
            }
        });
    }
}
