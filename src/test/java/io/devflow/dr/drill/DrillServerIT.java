package io.devflow.dr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.api.ApiJson;
import io.devflow.dr.api.TestList;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drills run by dr server through the API (real MongoDB, Redis and S3 in two regions, replication running): the
 * replication drill passes while replication runs and fails once it is stopped, removing its canaries from every
 * region either way; a planned failover drill fails over and switches back; the results are listed and the RTO/RPO
 * gauges are served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillServerIT {

    static final Duration DEADLINE = Duration.ofSeconds(120);

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    TestEnvironment env;
    DrServices services;
    DrRuntime runtime;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            dr.putObject("recovery").put("rpo", 15).putObject("drills").put("failover", "planned");
            ServerReplication.replication(dr, "last-write-wins");
            // above MongoDB replication's collection listing (10 s): the first drill creates the canary collection
            dr.with("replication").putObject("health").put("degradedLagSeconds", 15).put("failedLagSeconds", 30);
        }, EAST, WEST);
        for (String region : List.of(EAST, WEST)) {
            env.client(region).getDatabase("devflow").getCollection("things")
                    .insertMany(IntStream.range(0, 20).mapToObj(BsonSamples::everyType).toList());
        }
        services = env.services();
        Map<String, String> overrides = new HashMap<>(ServerReplication.FAST);
        overrides.put("dr.objectives.refreshMs", "500");
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, overrides);
        Leaders.awaitLeading(services);
        for (String region : List.of(EAST, WEST)) {
            for (StoreKind store : List.of(StoreKind.MONGODB, StoreKind.REDIS)) {
                BackupRecord backup = runtime.producer().requestBody("direct:backup",
                        new BackupRequest(BackupType.FULL, store, RegionId.of(region), "cli"), BackupRecord.class);
                assertThat(backup.isCompleted()).as("backup of %s in %s: %s", store, region, backup.error()).isTrue();
            }
        }
        ServerReplication.awaitStreaming(services, DEADLINE);
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        env.close();
    }

    @Test
    @Order(1)
    void shouldSeeTheCanaryOfEveryStoreInTheOtherRegionAndRemoveIt() throws Exception {
        DrillResult result = run("replication");

        assertThat(result.passed()).as(Json.pretty(result)).isTrue();
        assertThat(result.trigger()).isEqualTo("manual");
        assertThat(result.by()).isEqualTo("api");
        assertThat(result.stores()).containsOnlyKeys("mongodb", "redis");
        assertThat(result.stores().get("mongodb").detail()).contains("seen in us-west-2 after")
                .contains("its removal replicated too");
        assertNoCanaryLeft();
    }

    @Test
    @Order(2)
    void shouldFailOverAndSwitchBackInAPlannedFailoverDrill() throws Exception {
        DrillResult result = run("failover");

        assertThat(result.passed()).as(Json.pretty(result)).isTrue();
        assertThat(result.steps()).extracting(DrillResult.StepResult::name)
                .containsExactly("failover to us-west-2", "switchback to us-east-1");
        assertThat(services.activeRegions().fresh().region().value()).isEqualTo(EAST);
        assertThat(services.activeRegions().fresh().term()).isEqualTo(2);
        assertThat(services.failovers().list(5)).hasSize(2)
                .allSatisfy(f -> assertThat(f.request().reason()).isEqualTo("DR drill " + result.id()));
    }

    @Test
    @Order(3)
    void shouldFailTheReplicationDrillOnceReplicationIsStoppedAndStillRemoveTheCanaries() throws Exception {
        HttpResponse<String> stopped = call("POST", "/api/replication/stop", "{}");
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        ServerReplication.awaitStopped(services, StoreKind.MONGODB, DEADLINE);
        ServerReplication.awaitStopped(services, StoreKind.REDIS, DEADLINE);

        DrillResult result = run("replication");

        assertThat(result.passed()).isFalse();
        assertThat(result.stores().values()).allSatisfy(s -> {
            assertThat(s.passed()).isFalse();
            assertThat(s.detail()).contains("not seen in us-west-2 within 15 s");
        });
        assertThat(result.cleanup()).hasSize(4);
        assertNoCanaryLeft();
    }

    @Test
    @Order(4)
    void shouldListTheResultsAndServeTheObjectivesGauges() throws Exception {
        HttpResponse<String> list = call("GET", "/api/tests?type=replication", null);
        HttpResponse<String> bad = call("GET", "/api/tests?limit=0", null);
        HttpResponse<String> metrics = call("GET", "/observe/metrics", null);

        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(ApiJson.MAPPER.readValue(list.body(), TestList.class).tests()).extracting(DrillResult::passed)
                .containsExactly(false, true);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(metrics.body()).contains("dr_rpo_compliance{store=\"mongodb\"} 1.0")
                .contains("dr_rto_compliance{store=\"mongodb\"} 0.0").contains("dr_rpo_measured_seconds{store=\"redis\"}");
    }

    /** Starts one drill through the API and waits for its recorded result. */
    private DrillResult run(String type) throws Exception {
        HttpResponse<String> accepted = call("POST", "/api/tests", "{\"type\": \"" + type + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode drill = Json.MAPPER.readTree(accepted.body()).path("tests").path(0);
        assertThat(drill.path("type").asText()).isEqualTo(type);
        String self = drill.path("self").asText();
        DrillResult[] result = new DrillResult[1];
        Poll.until("drill " + drill.path("id").asText() + " ended", DEADLINE, () -> {
            try {
                result[0] = ApiJson.MAPPER.readValue(call("GET", self, null).body(), DrillResult.class);
                return !result[0].running();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return result[0];
    }

    private void assertNoCanaryLeft() {
        for (String region : List.of(EAST, WEST)) {
            assertThat(env.client(region).getDatabase("devflow").getCollection(MongoReplicationCanary.COLLECTION)
                    .countDocuments(new Document())).as("canaries in " + region).isZero();
            try (Jedis jedis = new Jedis("127.0.0.1", env.redis(region).port())) {
                assertThat(jedis.keys(RedisReplicationCanary.PREFIX + "*")).as("canaries in " + region).isEmpty();
            }
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + services.config().api().port() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
