package io.devflow.dr.failover.auto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic failover in {@code dr server} between two real regions (mongo-java-server, redis-server and s3proxy
 * each; file routing), checking every second and acting after three failed checks in a row: the active region's
 * MongoDB stops -> one automatic failover to us-west-2, with its decision and evidence; a second outage within the
 * cooldown -> refused ({@code cooldown}); with {@code autoFailover: false} -> refused ({@code auto-failover-off}),
 * never failed over; a primary that flaps every 1.5 s for 30 s -> at most one failover.
 */
class AutoFailoverIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;
    DrRuntime runtime;
    Path routingFile;

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
    void shouldFailOverOnceWhenTheActiveRegionsMongoDbStopsAndRefuseASecondOutageWithinTheCooldown() throws Exception {
        start(true, true);

        int eastMongo = env.stopMongo(EAST);
        Poll.until("an automatic failover completed", DEADLINE, () -> automatic().stream()
                .anyMatch(r -> r.state().finished()));

        FailoverRecord failover = automatic().get(0);
        assertThat(failover.state()).as(Json.pretty(failover)).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(failover.request().trigger()).isEqualTo(FailoverRequest.Trigger.AUTOMATIC);
        assertThat(failover.request().target()).isEqualTo(RegionId.of(WEST));
        assertThat(failover.request().reason()).contains("mongodb in us-east-1 unreachable");
        assertThat(services.activeRegions().fresh().region().value()).isEqualTo(WEST);
        assertThat(Json.MAPPER.readTree(Files.readAllBytes(routingFile)).path("activeRegion").asText()).isEqualTo(WEST);
        JsonNode acted = decision(d -> d.path("action").asText().equals("fail-over")).orElseThrow();
        assertThat(acted.path("failoverId").asText()).isEqualTo(failover.id());
        assertThat(acted.path("target").asText()).isEqualTo(WEST);
        assertThat(acted.path("since").asText()).isNotEmpty();
        assertThat(acted.path("evidence")).anySatisfy(e -> assertThat(e.asText())
                .startsWith("mongodb in us-east-1 unreachable (3 check(s) in a row since "));

        // us-east-1 answers again (empty), then the new active region loses its Redis: within the cooldown
        env.startMongoAgain(EAST, eastMongo);
        Poll.until("us-east-1 healthy again", DEADLINE, () -> services.health().check().region(EAST).healthy());
        env.stopRedis(WEST);
        Poll.until("a cooldown refusal recorded", DEADLINE, () -> decision(d -> d.path("code").asText().equals("cooldown"))
                .isPresent());

        JsonNode refused = decision(d -> d.path("code").asText().equals("cooldown")).orElseThrow();
        assertThat(refused.path("action").asText()).isEqualTo("refused");
        assertThat(refused.path("target").asText()).isEqualTo(EAST);
        assertThat(refused.path("evidence")).anySatisfy(e -> assertThat(e.asText()).startsWith("redis in us-west-2 unreachable"));
        assertThat(services.activeRegions().fresh().region().value()).isEqualTo(WEST);
        assertThat(services.failovers().list(50)).hasSize(1);
        assertThat(Json.MAPPER.readTree(Files.readAllBytes(routingFile)).path("activeRegion").asText()).isEqualTo(WEST);
    }

    @Test
    void shouldNeverFailOverWithAutoFailoverOffAndRecordWhy() throws Exception {
        start(false, false);

        env.stopRedis(EAST);
        Poll.until("an auto-failover-off refusal recorded", DEADLINE,
                () -> decision(d -> d.path("code").asText().equals("auto-failover-off")).isPresent());
        long checksAtRefusal = checks();
        Poll.until("six more checks with the store down", DEADLINE, () -> checks() >= checksAtRefusal + 6);

        JsonNode refused = decision(d -> d.path("code").asText().equals("auto-failover-off")).orElseThrow();
        assertThat(refused.path("action").asText()).isEqualTo("refused");
        assertThat(refused.path("target").asText()).isEqualTo(WEST);
        assertThat(refused.path("evidence")).anySatisfy(e -> assertThat(e.asText())
                .startsWith("redis in us-east-1 unreachable (3 check(s) in a row since "));
        assertThat(services.failovers().list(50)).isEmpty();
        assertThat(services.activeRegions().fresh().region().value()).isEqualTo(EAST);
        assertThat(decisions()).noneMatch(d -> d.path("action").asText().equals("fail-over"));
        assertThat(Files.exists(routingFile)).isFalse();
    }

    @Test
    void shouldFailOverAtMostOnceWhileThePrimaryFlaps() throws Exception {
        start(true, false);

        int port = env.mongo(EAST).port();
        long checksBefore = checks();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean up = true;
        while (System.nanoTime() < end) {
            if (up) {
                env.stopMongo(EAST);
            } else {
                env.startMongoAgain(EAST, port);
            }
            up = !up;
            // the flapping itself is what is tested: the store changes state every 1.5 s, whatever is checking it
            Thread.sleep(1_500);
        }
        if (!up) {
            env.startMongoAgain(EAST, port);
        }
        Poll.until("the checks went on while flapping", DEADLINE, () -> checks() >= checksBefore + 5);
        Poll.until("no failover left running", DEADLINE, () -> services.failovers().list(50).stream()
                .allMatch(r -> r.state().finished()));

        assertThat(services.failovers().list(50)).as("failovers while the primary flapped").hasSizeLessThanOrEqualTo(1);
        assertThat(decisions().stream().filter(d -> d.path("action").asText().equals("fail-over")).count())
                .isLessThanOrEqualTo(1);
    }

    /** A server (in-process) leading over two regions with file routing, backups of us-west-2 and data in both. */
    private void start(boolean autoFailover, boolean replicate) throws Exception {
        routingFile = dir.resolve("routing").resolve("active-region.json");
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            ObjectNode recovery = dr.putObject("recovery").put("rpo", 15).put("autoFailover", autoFailover);
            ObjectNode failover = recovery.putObject("failover");
            failover.putObject("routing").put("provider", "file").putObject("file").put("path", routingFile.toString());
            failover.putObject("automatic").put("checkIntervalSeconds", 1).put("failedChecks", 3);
            if (replicate) {
                ServerReplication.replication(dr, "last-write-wins");
            } else {
                dr.with("backup").with("incremental").put("captureWorker", false);
            }
        }, EAST, WEST);
        for (String region : List.of(EAST, WEST)) {
            env.client(region).getDatabase("devflow").getCollection("things")
                    .insertMany(IntStream.range(0, 20).mapToObj(BsonSamples::everyType).toList());
            try (Jedis jedis = new Jedis("127.0.0.1", env.redis(region).port())) {
                jedis.set("seed:" + region, region);
            }
        }
        services = env.services();
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, ServerReplication.FAST);
        Leaders.awaitLeading(services);
        for (StoreKind store : List.of(StoreKind.MONGODB, StoreKind.REDIS)) {
            BackupRecord backup = runtime.producer().requestBody("direct:backup",
                    new BackupRequest(BackupType.FULL, store, RegionId.of(WEST), "cli"), BackupRecord.class);
            assertThat(backup.isCompleted()).as("backup of %s in %s: %s", store, WEST, backup.error()).isTrue();
        }
        if (replicate) {
            ServerReplication.awaitStreaming(services, DEADLINE);
        }
        Poll.until("the automatic failover checking", DEADLINE, () -> checks() >= 2);
    }

    private List<FailoverRecord> automatic() {
        return services.failovers().list(50).stream()
                .filter(r -> r.request().trigger() == FailoverRequest.Trigger.AUTOMATIC).toList();
    }

    private List<JsonNode> decisions() {
        return services.state().list(AutoFailoverController.DECISIONS).stream()
                .map(path -> services.state().read(path).map(StateDocument::content).orElse(null))
                .filter(d -> d != null).toList();
    }

    private Optional<JsonNode> decision(java.util.function.Predicate<JsonNode> which) {
        return decisions().stream().filter(which).findFirst();
    }

    /** How many checks the automatic failover route has made. */
    private long checks() {
        try {
            return runtime.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                    .getManagedRoute("auto-failover").getExchangesCompleted();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
