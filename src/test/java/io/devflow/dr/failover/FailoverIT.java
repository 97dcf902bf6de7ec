package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.failover.routing.FileRoutingProvider;
import io.devflow.dr.failover.routing.RoutingChange;
import io.devflow.dr.store.mongodb.MongoSections;
import io.devflow.dr.store.redis.ReservedKeys;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.Leaders;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failovers between real regions (mongo-java-server, redis-server, s3proxy per region; the control state in the
 * buckets; the file election engine): the CLI's dry run, refusals and confirmation; a failover run by a controller
 * (us-east-1 -> us-west-2) with the file routing and the canaries; one run by the CLI itself when no server leads
 * (us-west-2 -> eu-west-1); and a record left half done by a controller that is gone, rolled back by the next leader.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

    static final String EU = "eu-west-1";

    TestEnvironment env;
    String config;
    Path routingFile;

    @BeforeAll
    void start(@TempDir Path dir) {
        routingFile = dir.resolve("routing").resolve("active-region.json");
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            dr.putObject("recovery").put("rpo", 15).putObject("failover").putObject("routing").put("provider", "file")
                    .putObject("file").put("path", routingFile.toString());
        }, EAST, WEST, EU);
        for (String region : List.of(EAST, WEST, EU)) {
            env.client(region).getDatabase("devflow").getCollection("things")
                    .insertMany(IntStream.range(0, 20).mapToObj(BsonSamples::everyType).toList());
        }
        config = env.configFile().toString();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    @Order(1)
    void shouldPrintThePlanAndRefuseATargetWithoutRecentBackups() {
        CliRun run = cli("failover", WEST, "--reason", "drill", "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).contains("Failover plan: us-east-1 -> us-west-2")
                .contains("3. promote").contains("Loss bound:")
                .contains("no-recent-backup: no verified mongodb backup in us-west-2's bucket")
                .contains("no-recent-backup: no verified redis backup in us-west-2's bucket");
        assertThat(Files.exists(routingFile)).isFalse();
    }

    @Test
    @Order(2)
    void shouldPlanAsJsonOnceTheTargetHasBackupsAndRefuseWithoutConfirmation() throws Exception {
        for (String region : List.of(WEST, EU)) {
            for (String store : List.of("mongodb", "redis")) {
                CliRun backup = cli("backup", "--type", "full", "--store", store, "--region", region);
                assertThat(backup.exitCode()).as(backup.toString()).isZero();
            }
        }

        CliRun json = cli("failover", WEST, "--reason", "drill", "--dry-run", "--output", "json");
        CliRun unconfirmed = cli("failover", WEST, "--reason", "drill");

        assertThat(json.exitCode()).as(json.toString()).isZero();
        FailoverPlan plan = Json.MAPPER.readValue(json.out(), FailoverPlan.class);
        assertThat(plan.runnable()).isTrue();
        assertThat(plan.lag()).extracting(FailoverPlan.StoreLag::store).containsExactly(StoreKind.MONGODB, StoreKind.REDIS);
        assertThat(plan.lag()).allSatisfy(l -> assertThat(l.backlog()).as("not replicated: unknown").isEqualTo(-1));
        assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("refusing to fail over from us-east-1 to us-west-2 without confirmation: "
                + "pass --yes");
        assertThat(unconfirmed.errIsOneCleanLine()).isTrue();
        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.activeRegions().fresh()).isEqualTo(ActiveRegion.configured(RegionId.of(EAST)));
            assertThat(services.failovers().list(10)).isEmpty();
        }
    }

    @Test
    @Order(3)
    void shouldFailOverWithTheControllerUpdatingRoutingAndPassingTheCanaries() throws Exception {
        try (DrServices services = new DrServices(env.config());
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.CONTROLLER, Map.of())) {
            Leaders.awaitLeading(services);

            FailoverRecord started = services.failovers().start(new FailoverRequest(RegionId.of(WEST), "drill", false,
                    FailoverRequest.Trigger.MANUAL, "oncall"));
            await(() -> services.failovers().get(started.id()).map(r -> r.state().finished()).orElse(false));

            FailoverRecord done = services.failovers().get(started.id()).orElseThrow();
            assertThat(done.state()).as(Json.pretty(done)).isEqualTo(FailoverRecord.State.COMPLETED);
            assertThat(done.controller()).isEqualTo(services.leadership().instanceId());
            ActiveRegion active = services.activeRegions().fresh();
            assertThat(active.region().value()).isEqualTo(WEST);
            assertThat(active.term()).isEqualTo(1);
            JsonNode routing = Json.MAPPER.readTree(Files.readAllBytes(routingFile));
            assertThat(routing.path("activeRegion").asText()).isEqualTo(WEST);
            assertThat(routing.path("failoverId").asText()).isEqualTo(done.id());
            JsonNode canaries = done.step(FailoverStep.VERIFY).map(StepRecord::changes).orElseThrow().path("canaries");
            assertThat(canaries).hasSize(2).allSatisfy(c -> {
                assertThat(c.path("passed").asBoolean()).as(c.toString()).isTrue();
                assertThat(c.path("region").asText()).isEqualTo(WEST);
            });
            // the canaries leave nothing behind
            assertThat(env.client(WEST).getDatabase("devflow").getCollection(MongoSections.CANARY_COLLECTION)
                    .countDocuments()).isZero();
            try (Jedis jedis = new Jedis(env.redis(WEST).url())) {
                assertThat(jedis.keys(ReservedKeys.PREFIX + "*")).isEmpty();
            }
            assertThat(services.meterRegistry().get("dr.failovers").tags("trigger", "manual", "outcome", "completed")
                    .counter().count()).isEqualTo(1);
            assertThat(services.meterRegistry().get("dr.failover.duration").tags("trigger", "manual", "outcome", "completed")
                    .timer().count()).isEqualTo(1);
            await(() -> services.meterRegistry().get("dr.active.region").tags("region", WEST).gauge().value() == 1);
        }
        CliRun list = cli("failovers", "list");
        CliRun status = cli("status");
        assertThat(list.out()).contains("us-east-1 -> us-west-2").contains("completed");
        assertThat(status.out()).contains("Recent Failovers").contains("us-east-1 -> us-west-2  completed");
    }

    @Test
    @Order(4)
    void shouldFailOverFromTheCliTakingTheLeadershipWhenNoServerLeads() throws Exception {
        CliRun run = cli("failover", EU, "--reason", "second drill", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("us-west-2 -> eu-west-1").contains("[1/6] validate-target  done")
                .contains("[4/6] update-routing   done").contains("[6/6] notify           done").contains(" completed");
        String id = run.out().lines().filter(l -> l.startsWith("Failover failover-")).findFirst().orElseThrow()
                .split(" ")[1].replace(":", "");
        CliRun shown = cli("failovers", "show", id, "--output", "json");
        FailoverRecord record = Json.MAPPER.readValue(shown.out(), FailoverRecord.class);
        assertThat(record.state()).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(record.request().by()).endsWith("(cli)");
        assertThat(Json.MAPPER.readTree(Files.readAllBytes(routingFile)).path("activeRegion").asText()).isEqualTo(EU);
        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.activeRegions().fresh().term()).isEqualTo(2);
        }
    }

    @Test
    @Order(5)
    void shouldRollBackAFailoverItsControllerLeftBeforePromotingAndRecordWhoFinishedIt() throws Exception {
        byte[] before = Files.readAllBytes(routingFile);
        String id;
        try (DrServices dead = new DrServices(env.config())) {
            // what a controller that died in its promote step left: the source drained, the record running
            FailoverRequest request = new FailoverRequest(RegionId.of(WEST), "drill", false,
                    FailoverRequest.Trigger.MANUAL, "oncall");
            ActiveRegion previous = dead.activeRegions().fresh();
            RoutingChange drained = new FileRoutingProvider(routingFile, () -> new FileRoutingProvider.Context(
                    previous.failoverId(), previous.term()), Clock.systemUTC()).drain(previous.region());
            ObjectNode stopped = Json.MAPPER.createObjectNode();
            stopped.set("routing", Json.MAPPER.valueToTree(drained));
            stopped.putArray("fences");
            id = FailoverRecords.newId(Clock.systemUTC().instant());
            dead.failover().records().save(new FailoverRecord(id, FailoverRecord.State.RUNNING, request,
                    dead.failovers().plan(request), List.of(
                    new StepRecord(FailoverStep.VALIDATE_TARGET, drained.at(), drained.at(), "done", "ok", null, "none"),
                    new StepRecord(FailoverStep.STOP_TRAFFIC, drained.at(), drained.at(), "done", "drained", stopped, "none"),
                    new StepRecord(FailoverStep.PROMOTE, drained.at(), null, "running", null, null, "none")),
                    Json.MAPPER.valueToTree(previous), null, "gone-1234", 0, drained.at(), null, null));
        }
        assertThat(Files.readAllBytes(routingFile)).isNotEqualTo(before);

        try (DrServices services = new DrServices(env.config());
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.CONTROLLER, Map.of())) {
            Leaders.awaitLeading(services);
            String left = id;
            await(() -> services.failovers().get(left).map(r -> r.state().finished()).orElse(false));

            FailoverRecord finished = services.failovers().get(id).orElseThrow();
            assertThat(finished.state()).as(Json.pretty(finished)).isEqualTo(FailoverRecord.State.ROLLED_BACK);
            assertThat(finished.controller()).isEqualTo(services.leadership().instanceId()
                    + " (took over from gone-1234, term 0)");
            assertThat(finished.step(FailoverStep.STOP_TRAFFIC).orElseThrow().compensation()).isEqualTo("done");
            assertThat(Files.readAllBytes(routingFile)).isEqualTo(before);
            assertThat(services.activeRegions().fresh().region().value()).isEqualTo(EU);
        }
    }

    private CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config;
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
