package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.embedded.EmbeddedInflux;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.InfluxData;
import io.devflow.dr.testing.RedisData;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replication of every store as {@code dr server} runs it (all route files, the control loop, the Redis keyspace
 * subscription), on real servers in two regions: while MongoDB, Redis and InfluxDB (when {@code influxd} is on
 * the PATH) are written concurrently in the source, the target converges to the same data; {@code dr
 * replication stop|start} from the command line, and {@code POST /api/replication/stop|start}, are followed by
 * the running server; {@code dr status --output json} and {@code GET /api/status} report every store streaming.
 */
class ReplicationServerIT {

    static final List<Integer> REDIS_DATABASES = List.of(0, 3);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
    void everyStoreConvergesUnderConcurrentWritesAndFollowsTheOperator() throws Exception {
        boolean influx = EmbeddedInflux.executable().isPresent();
        Set<StoreKind> stores = influx ? EnumSet.allOf(StoreKind.class) : EnumSet.of(StoreKind.MONGODB, StoreKind.REDIS);
        env = TestEnvironment.startWith(dir, stores, dr -> {
            dr.with("backup").with("incremental").put("captureWorker", false);
            ObjectNode replication = dr.putObject("replication");
            replication.put("conflictResolution", "last-write-wins").put("checkpointIntervalSeconds", 1);
            replication.putObject("redis").put("reconcileIntervalSeconds", 5);
            replication.putObject("influxdb").put("windowSeconds", 1).put("overlapSeconds", 10);
        }, EAST, WEST);
        MongoCollection<Document> source = env.client(EAST).getDatabase("devflow").getCollection("records");
        MongoCollection<Document> target = env.client(WEST).getDatabase("devflow").getCollection("records");
        InfluxHttp eastInflux = influx ? new InfluxHttp(env.config().requireRegion(EAST).requireInfluxdb()) : null;
        InfluxHttp westInflux = influx ? new InfluxHttp(env.config().requireRegion(WEST).requireInfluxdb()) : null;

        // data from before replication starts: the initial sync copies it
        for (int i = 0; i < 300; i++) {
            source.insertOne(new Document("_id", i).append("v", "seed " + i).append("at", new Date()));
        }
        try (Jedis jedis = jedis(EAST, 0)) {
            for (int i = 0; i < 200; i++) {
                jedis.set("seed:" + i, "value " + i);
                jedis.hset("profile:" + i, Map.of("name", "user " + i, "plan", i % 2 == 0 ? "free" : "team"));
            }
            jedis.psetex("ttl:kept", 3_600_000, "kept");
        }
        if (influx) {
            eastInflux.execute("CREATE DATABASE metrics");
            long start = (System.currentTimeMillis() - 60_000) * 1_000_000L;
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                lines.add("cpu,host=h" + (i % 5) + " load=" + (i * 0.5) + ",cores=" + (i % 8) + "i " + (start + i * 1_000_000L));
            }
            eastInflux.write("metrics", lines);
        }

        DrServices services = env.services();
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, ServerReplication.FAST);
        ReplicationService replication = services.replication().orElseThrow();
        Direction direction = Direction.of(EAST, WEST);
        await("every store streaming", Duration.ofSeconds(90), () -> stores.stream()
                .allMatch(s -> replication.progress(direction, s).phase() == ReplicationProgress.Phase.STREAMING));

        // concurrent writes to all stores of the source
        AtomicBoolean writing = new AtomicBoolean(true);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        writers.add(CompletableFuture.runAsync(() -> writeMongo(source, writing)));
        writers.add(CompletableFuture.runAsync(() -> writeRedis(writing)));
        if (influx) {
            writers.add(CompletableFuture.runAsync(() -> writeInflux(eastInflux, writing)));
        }
        Thread.sleep(4_000);
        writing.set(false);
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();

        await("MongoDB converged", Duration.ofSeconds(60), () -> documents(source).equals(documents(target)));
        await("Redis converged", Duration.ofSeconds(60), () -> redis(EAST).equals(redis(WEST)));
        assertThat(documents(target)).as("MongoDB fingerprint").isEqualTo(documents(source));
        assertThat(redis(WEST).get("0 ttl:kept")).isEqualTo("string: kept (expires)");
        assertThat(redis(WEST).size()).isGreaterThan(400);
        assertThat(documents(target).size()).isGreaterThan(300);
        if (influx) {
            await("InfluxDB converged", Duration.ofSeconds(60), () -> points(eastInflux).equals(points(westInflux)));
            assertThat(points(westInflux).size()).isGreaterThan(500);
        }
        try (Jedis west = jedis(WEST, 0)) {
            assertThat(west.pttl("ttl:kept")).as("the TTL travels with the key").isBetween(3_000_000L, 3_600_000L);
        }

        // the operator stops Redis replication from the command line; the running server follows
        String config = env.configFile().toString();
        CliRun stop = CliRun.of("--config", config, "replication", "stop", "--store", "redis");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        ServerReplication.awaitStopped(services, StoreKind.REDIS, Duration.ofSeconds(30));
        assertThat(replication.isRunning(StoreKind.MONGODB)).isTrue();
        try (Jedis jedis = jedis(EAST, 0)) {
            jedis.set("while-stopped", "held back");
        }
        source.insertOne(new Document("_id", "while-redis-stopped"));
        await("MongoDB still replicated", Duration.ofSeconds(30),
                () -> target.countDocuments(Filters.eq("_id", "while-redis-stopped")) == 1);
        try (Jedis west = jedis(WEST, 0)) {
            assertThat(west.exists("while-stopped")).as("a stopped store is not replicated").isFalse();
        }

        CliRun status = CliRun.of("--config", config, "status", "--output", "json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        JsonNode desired = Json.MAPPER.readTree(status.out()).path("replication").path("desired");
        Map<String, JsonNode> byStore = new HashMap<>();
        desired.forEach(d -> byStore.put(d.path("store").asText(), d));
        assertThat(byStore.get("redis").path("running").asBoolean()).isFalse();
        assertThat(byStore.get("redis").path("changedBy").asText()).endsWith("(cli)");
        assertThat(byStore.get("mongodb").path("running").asBoolean()).isTrue();

        CliRun start = CliRun.of("--config", config, "replication", "start", "--store", "redis");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        await("the key written while stopped arrives", Duration.ofSeconds(60), () -> {
            try (Jedis west = jedis(WEST, 0)) {
                return "held back".equals(west.get("while-stopped"));
            }
        });

        // the published status: every store streaming, with what it applied
        await("a status report with every store", Duration.ofSeconds(30), () -> {
            CliRun report = CliRun.of("--config", config, "status", "--output", "json");
            JsonNode targets;
            try {
                targets = Json.MAPPER.readTree(report.out()).path("replication").path("targets");
            } catch (Exception e) {
                return false;
            }
            if (targets.size() != 1 || targets.get(0).path("stores").size() != stores.size()) {
                return false;
            }
            for (JsonNode store : targets.get(0).path("stores")) {
                if (!store.path("phase").asText().equalsIgnoreCase("streaming") || store.path("applied").asLong() == 0) {
                    return false;
                }
            }
            return targets.get(0).path("region").asText().equals(WEST);
        });

        // the same through HTTP: GET /api/status, POST /api/replication/stop|start
        HttpResponse<String> apiStatus = http("GET", "/api/status", null, true);
        assertThat(apiStatus.statusCode()).as(apiStatus.body()).isEqualTo(200);
        JsonNode apiReplication = Json.MAPPER.readTree(apiStatus.body()).path("replication");
        assertThat(apiReplication.path("source").asText()).isEqualTo(EAST);
        assertThat(apiReplication.path("targets").get(0).path("region").asText()).isEqualTo(WEST);
        assertThat(http("GET", "/api/status", null, false).statusCode()).isEqualTo(401);

        HttpResponse<String> stopMongo = http("POST", "/api/replication/stop", "{\"store\": \"mongodb\"}", true);
        assertThat(stopMongo.statusCode()).as(stopMongo.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(stopMongo.body()).path("stores").get(0).asText()).isEqualTo("mongodb");
        ServerReplication.awaitStopped(services, StoreKind.MONGODB, Duration.ofSeconds(30));
        HttpResponse<String> unknown = http("POST", "/api/replication/start", "{\"store\": \"postgres\"}", true);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("postgres");
        assertThat(http("POST", "/api/replication/start", "{\"store\": \"mongodb\"}", true).statusCode()).isEqualTo(200);
        source.insertOne(new Document("_id", "after-api-start"));
        await("MongoDB replicated again after the API started it", Duration.ofSeconds(60),
                () -> target.countDocuments(Filters.eq("_id", "after-api-start")) == 1);
    }

    private HttpResponse<String> http(String method, String path, String body, boolean authorized) throws Exception {
        int port = env.drConfig().path("api").path("port").asInt();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorized) {
            request.header("Authorization", "Bearer " + io.devflow.dr.testing.TestEnvironment.API_TOKEN);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void writeMongo(MongoCollection<Document> collection, AtomicBoolean writing) {
        Random random = new Random(1);
        int next = 1_000;
        while (writing.get()) {
            int op = random.nextInt(10);
            int id = random.nextInt(300);
            if (op < 4) {
                collection.insertOne(new Document("_id", next++).append("v", "new").append("at", new Date()));
            } else if (op < 8) {
                collection.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("v", "changed " + next),
                        Updates.inc("n", 1)));
            } else {
                collection.deleteOne(Filters.eq("_id", id));
            }
        }
    }

    private void writeRedis(AtomicBoolean writing) {
        Random random = new Random(2);
        try (Jedis db0 = jedis(EAST, 0); Jedis db3 = jedis(EAST, 3)) {
            int n = 0;
            while (writing.get()) {
                int key = random.nextInt(300);
                switch (random.nextInt(6)) {
                    case 0 -> db0.set("seed:" + key, "rewritten " + n);
                    case 1 -> db0.hset("profile:" + key, "plan", "enterprise " + n);
                    case 2 -> db0.del("seed:" + key);
                    case 3 -> db3.rpush("events:" + (key % 20), "e" + n);
                    case 4 -> db3.zadd("board", n, "player" + key);
                    default -> db3.setex("session:" + key, 3_600, "s" + n);
                }
                n++;
            }
        }
    }

    private static void writeInflux(InfluxHttp http, AtomicBoolean writing) {
        long seq = 0;
        while (writing.get()) {
            long now = System.currentTimeMillis() * 1_000_000L;
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 10; i++, seq++) {
                lines.add("requests,service=s" + (seq % 3) + " count=" + seq + "i,ok=" + (seq % 2 == 0)
                        + ",path=\"/p" + seq + "\" " + (now + i));
            }
            http.write("metrics", lines);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<Document> documents(MongoCollection<Document> collection) {
        return collection.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }

    private Map<String, String> redis(String region) {
        return RedisData.snapshot(env.redis(region).port(), REDIS_DATABASES);
    }

    private static List<String> points(InfluxHttp http) {
        return InfluxData.points(http, "metrics");
    }

    private Jedis jedis(String region, int database) {
        Jedis jedis = new Jedis("127.0.0.1", env.redis(region).port());
        jedis.select(database);
        return jedis;
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
