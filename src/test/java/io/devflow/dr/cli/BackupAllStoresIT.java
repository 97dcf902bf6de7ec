package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dr backup --store all}, what the Kubernetes CronJobs run, against a real MongoDB, Redis and S3: every store
 * of the active region in one run, planned as the schedules plan them, every store attempted when one fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupAllStoresIT {

    private static final int DOCUMENTS = 120;
    private static final int KEYS = 40;

    TestEnvironment env;
    String config;

    @BeforeAll
    void start(@TempDir Path dir) {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), EAST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, DOCUMENTS).mapToObj(BsonSamples::everyType).toList());
        try (Jedis jedis = new Jedis("127.0.0.1", env.redis(EAST).port())) {
            IntStream.range(0, KEYS).forEach(i -> jedis.set("key-" + i, "value-" + i));
        }
        config = env.configFile().toString();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    @Order(1)
    void shouldBackUpEveryStoreOfTheActiveRegionInOneRun() throws Exception {
        CliRun run = CliRun.of("--config", config, "backup", "--type", "full", "--store", "all", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, JsonNode> byStore = byStore(Json.MAPPER.readTree(run.out()));
        assertThat(byStore).containsOnlyKeys("mongodb", "redis");
        assertThat(byStore.get("mongodb").path("status").asText()).isEqualTo("completed");
        assertThat(byStore.get("mongodb").path("items").asLong()).isEqualTo(DOCUMENTS);
        assertThat(byStore.get("redis").path("status").asText()).isEqualTo("completed");
        assertThat(byStore.get("redis").path("items").asLong()).isEqualTo(KEYS);
        assertThat(byStore.values()).allSatisfy(b -> {
            assertThat(b.path("type").asText()).isEqualTo("full");
            assertThat(b.path("region").asText()).isEqualTo(EAST);
            assertThat(b.path("trigger").asText()).isEqualTo("cli");
        });

        JsonNode listed = Json.MAPPER.readTree(CliRun.of("--config", config, "backups", "list", "--output", "json").out());
        assertThat(listed.path("backups").findValuesAsText("id"))
                .contains(byStore.get("mongodb").path("id").asText(), byStore.get("redis").path("id").asText());
    }

    @Test
    @Order(2)
    void shouldTakeTheIncrementalAsTheScheduleDoes() throws Exception {
        CliRun run = CliRun.of("--config", config, "backup", "--type", "incremental", "--store", "all", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, JsonNode> byStore = byStore(Json.MAPPER.readTree(run.out()));
        assertThat(byStore.get("mongodb").path("status").asText()).as("the capture worker takes MongoDB's increments")
                .isEqualTo("skipped");
        assertThat(byStore.get("mongodb").path("reason").asText()).contains("change-capture worker");
        assertThat(byStore.get("redis").path("status").asText()).isEqualTo("completed");
        assertThat(byStore.get("redis").path("type").asText()).as("Redis has snapshots only").isEqualTo("full");
        assertThat(byStore.get("redis").path("items").asLong()).isEqualTo(KEYS);
    }

    @Test
    @Order(3)
    void shouldPrintOneResultPerStoreAsText() {
        CliRun run = CliRun.of("--config", config, "backup", "--type", "full", "--store", "all");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Store:         mongodb (us-east-1)").contains("Items:         " + DOCUMENTS + " in 1 sections")
                .contains("Store:         redis (us-east-1)").contains("Items:         " + KEYS + " in ");
    }

    @Test
    @Order(4)
    void shouldRefuseAnUnknownStoreNamingAll() {
        CliRun run = CliRun.of("--config", config, "backup", "--type", "full", "--store", "everything");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("'everything' is not a store").contains(" or all");
    }

    /** Runs last: it stops MongoDB for good. */
    @Test
    @Order(5)
    void shouldBackUpTheOtherStoresWhenOneFailsAndExitWithOneNamingIt() throws Exception {
        env.stopMongo(EAST);

        CliRun run = CliRun.of("--config", config, "backup", "--type", "full", "--store", "all", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        Map<String, JsonNode> byStore = byStore(Json.MAPPER.readTree(run.out()));
        assertThat(byStore.get("mongodb").path("status").asText()).isEqualTo("failed");
        assertThat(byStore.get("redis").path("status").asText()).as("attempted after MongoDB failed").isEqualTo("completed");
        assertThat(byStore.get("redis").path("items").asLong()).isEqualTo(KEYS);
        assertThat(run.err()).contains("backup failed for mongodb").doesNotContain("failed for redis");
        assertThat(run.err().lines().filter(l -> l.startsWith("dr: backup failed"))).hasSize(1);
    }

    private static Map<String, JsonNode> byStore(JsonNode results) {
        assertThat(results.isArray()).as(results.toString()).isTrue();
        Map<String, JsonNode> byStore = new HashMap<>();
        results.forEach(r -> byStore.put(r.path("store").asText(), r));
        assertThat(byStore).hasSize(results.size());
        return byStore;
    }
}
