package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.cli.DrMain;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.recovery.plan.PlanEnums.PlanState;
import io.devflow.dr.recovery.plan.PlanEnums.StepState;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.InfluxAvailable;
import io.devflow.dr.testing.InfluxData;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.RedisData;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery plans against real servers: MongoDB, Redis and InfluxDB in us-east-1 and us-west-2, backups in each
 * region's s3proxy, plan records in the control state. A full recovery of all three stores into us-west-2 that matches
 * the backups' fingerprints; a "no" that writes nothing; estimates that change once a run was measured; replace mode
 * leaving exactly the backup's state; a failed hook resumed without redoing the data steps; a process killed mid-plan
 * resumed by another; a point-in-time plan across stores; the refusal while replication writes into the target.
 */
@InfluxAvailable
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecoveryPlanIT {

    TestEnvironment env;
    String config;
    Path marker;
    Path hookLog;
    Map<StoreKind, Manifest> fulls = new LinkedHashMap<>();
    RecoveryPlan firstPlan;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        marker = dir.resolve("hook-may-pass");
        hookLog = dir.resolve("hook.log");
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS, StoreKind.INFLUXDB), dr -> {
            ObjectNode plans = dr.putObject("recovery").put("rto", 30).putObject("plans").put("heartbeatSeconds", 1);
            plans.putArray("hooks").addObject().put("name", "deploy-apps").put("timeoutSeconds", 20).putArray("command")
                    .add("sh").add("-c").add("test -e '" + marker + "' && echo \"$1 $2\" >> '" + hookLog + "'").add("hook");
        }, EAST, WEST);
        config = env.configFile().toString();
        Files.createFile(marker);
        MongoCollection<Document> things = env.client(EAST).getDatabase("devflow").getCollection("things");
        things.insertMany(IntStream.range(0, 40).mapToObj(BsonSamples::everyType).toList());
        env.client(EAST).getDatabase("devflow").getCollection("users")
                .insertMany(IntStream.range(0, 10).mapToObj(i -> new Document("_id", "user-" + i).append("n", i)).toList());
        try (Jedis jedis = new Jedis(env.redis(EAST).url())) {
            for (int i = 0; i < 30; i++) {
                jedis.set("session:" + i, "value " + i);
            }
            jedis.hset("profile:1", Map.of("name", "ada", "lang", "en"));
            jedis.setex("token:1", 3_600, "expires in an hour");
            jedis.select(3);
            jedis.rpush("queue", "a", "b", "c");
        }
        InfluxHttp east = influx(EAST);
        east.execute("CREATE DATABASE metrics");
        long base = Instant.now().minusSeconds(600).toEpochMilli() * 1_000_000;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lines.add("cpu,host=h" + (i % 3) + " usage=" + (i * 1.5) + ",count=" + i + "i " + (base + i * 1_000_000_000L));
        }
        east.write("metrics", lines);
        for (StoreKind store : StoreKind.values()) {
            CliRun backup = cli("backup", "--type", "full", "--store", store.id(), "--region", EAST);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }
        try (DrServices services = new DrServices(env.config())) {
            for (StoreKind store : StoreKind.values()) {
                fulls.put(store, services.catalog().completed(store, services.regions().get(EAST)).get(0).manifest());
            }
        }
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    @Order(1)
    void shouldShowThePlanAndWriteNothingWhenTheAnswerIsNo() throws Exception {
        CliRun json = cli("recover", "full", "--target-region", WEST, "--dry-run", "--output", "json");
        CliRun no = CliRun.answering("no", "--config", config, "recover", "full", "--target-region", WEST);

        assertThat(json.exitCode()).as(json.toString()).isZero();
        firstPlan = Json.MAPPER.readValue(json.out(), RecoveryPlan.class);
        assertThat(firstPlan.id()).matches("recovery-[0-9]+-[a-z0-9]{6}");
        assertThat(firstPlan.steps()).extracting(PlanStep::id).containsExactly("restore-mongodb", "verify-mongodb",
                "restore-redis", "verify-redis", "restore-influxdb", "verify-influxdb", "hook-deploy-apps");
        assertThat(firstPlan.steps().get(0).estimate().basis()).isEqualTo("no history: 1.0 MB/s assumed");
        assertThat(firstPlan.steps().get(6).dependsOn()).containsExactly("verify-mongodb", "verify-redis", "verify-influxdb");
        assertThat(firstPlan.estimatedSeconds()).isEqualTo(22); // 1 s restore + 1 s verify, then the hook's 20 s timeout
        assertThat(firstPlan.withinRto()).isTrue();
        assertThat(no.exitCode()).as(no.toString()).isEqualTo(2);
        assertThat(no.out()).contains("📋 Recovery Plan Created:").contains("Plan ID:").contains("Target Region: us-west-2")
                .contains("1. restore-mongodb (restore-store)").contains("Dependencies: None")
                .contains("Estimated Duration: 22.0s (RTO 30m 0s: within)");
        assertThat(no.err()).contains("recovery cancelled; nothing was written");
        assertThat(env.client(WEST).getDatabase("devflow").listCollectionNames().into(new ArrayList<>())).isEmpty();
        try (Jedis jedis = new Jedis(env.redis(WEST).url())) {
            assertThat(jedis.dbSize()).isZero();
        }
        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.recoveries().list(10)).isEmpty();
        }
        assertThat(hookLog).doesNotExist();
    }

    @Test
    @Order(2)
    void shouldRecoverAllThreeStoresIntoUsWest2MatchingTheBackupsFingerprints() throws Exception {
        CliRun run = cli("recover", "full", "--target-region", WEST, "--yes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("verify-mongodb").contains("completed").contains("hook-deploy-apps");
        try (DrServices services = new DrServices(env.config())) {
            RegionContext west = services.regions().get(WEST);
            for (StoreKind store : List.of(StoreKind.MONGODB, StoreKind.INFLUXDB)) {
                Manifest manifest = fulls.get(store);
                Map<String, String> same = new LinkedHashMap<>();
                services.stores().get(store).databases(services.regions().get(EAST).config()).forEach(d -> same.put(d, d));
                assertThat(services.stores().get(store).fingerprint(west, same)).as(store.id())
                        .extracting(SectionSummary::name, SectionSummary::items, s -> s.fingerprint().hex())
                        .containsExactlyInAnyOrderElementsOf(manifest.sections().stream()
                                .map(s -> org.assertj.core.groups.Tuple.tuple(s.name(), s.items(), s.fingerprint())).toList());
            }
            RecoveryPlan plan = services.recoveries().list(1).get(0);
            assertThat(plan.state()).isEqualTo(PlanState.COMPLETED);
            assertThat(plan.steps()).allSatisfy(s -> {
                assertThat(s.state()).isEqualTo(StepState.COMPLETED);
                assertThat(s.attempts()).isEqualTo(1);
                assertThat(s.durationMs()).isNotNull();
            });
            assertThat(plan.step("verify-redis").orElseThrow().detail()).startsWith("the fingerprints of all 2 sections match");
            assertThat(plan.step("verify-mongodb").orElseThrow().detail()).startsWith("the fingerprints of all 2 sections match");
            assertThat(plan.runs()).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("completed"));
            assertThat(Files.readAllLines(hookLog)).containsExactly(plan.id() + " " + WEST);
            List<String> audit = services.state().list("audit/chain").stream()
                    .map(p -> services.state().read(p).orElseThrow().content().path("action").asText()).toList();
            assertThat(audit).contains("recover-start", "recover-step", "recover");
        }
        assertThat(RedisData.snapshot(env.redis(WEST).port(), List.of(0, 3)))
                .isEqualTo(RedisData.snapshot(env.redis(EAST).port(), List.of(0, 3)));
        assertThat(InfluxData.points(influx(WEST), "metrics")).isEqualTo(InfluxData.points(influx(EAST), "metrics"));
    }

    @Test
    @Order(3)
    void shouldEstimateFromTheRunJustMeasured() throws Exception {
        CliRun json = cli("recover", "full", "--target-region", WEST, "--dry-run", "--output", "json");

        RecoveryPlan next = Json.MAPPER.readValue(json.out(), RecoveryPlan.class);
        for (String step : List.of("restore-mongodb", "verify-mongodb", "restore-redis", "restore-influxdb")) {
            assertThat(next.step(step).orElseThrow().estimate().basis()).as(step).contains("median of 1 measured run")
                    .isNotEqualTo(firstPlan.step(step).orElseThrow().estimate().basis());
        }
        PlanStep hook = next.step("hook-deploy-apps").orElseThrow();
        assertThat(hook.estimate().basis()).isEqualTo("median of 1 measured run");
        assertThat(hook.estimate().seconds()).isLessThan(20);
        assertThat(next.estimatedSeconds()).isLessThan(firstPlan.estimatedSeconds());
    }

    @Test
    @Order(4)
    void shouldLeaveExactlyTheBackupsStateInReplaceModeAndKeepOtherRecordsInMerge() throws Exception {
        env.client(WEST).getDatabase("devflow").getCollection("things").insertOne(new Document("_id", "extra"));
        env.client(WEST).getDatabase("devflow").getCollection("stray").insertOne(new Document("_id", "stray"));
        try (Jedis jedis = new Jedis(env.redis(WEST).url())) {
            jedis.set("extra-key", "x");
        }
        influx(WEST).write("metrics", List.of("cpu,host=extra usage=1 " + Instant.now().toEpochMilli() * 1_000_000));

        CliRun merge = cli("recover", "full", "--target-region", WEST, "--store", "mongodb", "--yes");
        assertThat(merge.exitCode()).as(merge.toString()).isZero();
        assertThat(env.client(WEST).getDatabase("devflow").getCollection("things").countDocuments(new Document("_id", "extra"))).isOne();
        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.recoveries().list(1).get(0).step("verify-mongodb").orElseThrow().detail())
                    .contains("also hold records the backup does not").contains("--mode replace");
        }

        CliRun replace = CliRun.answering("yes", "--config", config, "recover", "full", "--target-region", WEST,
                "--mode", "replace");

        assertThat(replace.exitCode()).as(replace.toString()).isZero();
        assertThat(replace.out()).contains("Replace mode first empties, in us-west-2: mongodb databases devflow; "
                + "redis databases 0, 3; influxdb databases metrics.");
        assertThat(env.client(WEST).getDatabase("devflow").listCollectionNames().into(new ArrayList<>()))
                .containsExactlyInAnyOrder("things", "users");
        assertThat(env.client(WEST).getDatabase("devflow").getCollection("things").countDocuments()).isEqualTo(40);
        assertThat(RedisData.snapshot(env.redis(WEST).port(), List.of(0, 3)))
                .isEqualTo(RedisData.snapshot(env.redis(EAST).port(), List.of(0, 3))).doesNotContainKey("0 extra-key");
        assertThat(InfluxData.points(influx(WEST), "metrics")).isEqualTo(InfluxData.points(influx(EAST), "metrics"));
        try (DrServices services = new DrServices(env.config())) {
            RecoveryPlan plan = services.recoveries().list(1).get(0);
            assertThat(plan.step("restore-mongodb").orElseThrow().detail()).startsWith("emptied devflow; wrote 50 items");
            assertThat(plan.steps().stream().filter(s -> s.type() == StepType.VERIFY_FINGERPRINTS))
                    .allSatisfy(s -> assertThat(s.detail()).as(s.id()).contains("sections match"));
        }
    }

    @Test
    @Order(5)
    void shouldResumeAfterAFailedHookWithoutRunningTheCompletedStepsAgain() throws Exception {
        Files.delete(marker);
        CliRun failed = cli("recover", "full", "--target-region", WEST, "--store", "mongodb", "--yes");

        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.err()).contains("step hook-deploy-apps failed: the hook deploy-apps (sh) exited with 1")
                .contains("dr recover resume recovery-");
        RecoveryPlan before;
        try (DrServices services = new DrServices(env.config())) {
            before = services.recoveries().list(1).get(0);
        }
        assertThat(before.state()).isEqualTo(PlanState.FAILED);
        assertThat(before.error()).startsWith("step hook-deploy-apps failed");
        assertThat(before.step("hook-deploy-apps").orElseThrow().state()).isEqualTo(StepState.FAILED);
        // a restore run again would bring this document back
        env.client(WEST).getDatabase("devflow").getCollection("users").deleteOne(new Document("_id", "user-3"));
        Files.createFile(marker);

        CliRun resumed = cli("recover", "resume", before.id());

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        try (DrServices services = new DrServices(env.config())) {
            RecoveryPlan after = services.recoveries().get(before.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(PlanState.COMPLETED);
            for (String step : List.of("restore-mongodb", "verify-mongodb")) {
                assertThat(after.step(step).orElseThrow()).as(step).isEqualTo(before.step(step).orElseThrow());
                assertThat(after.step(step).orElseThrow().attempts()).isEqualTo(1);
            }
            assertThat(after.step("hook-deploy-apps").orElseThrow().attempts()).isEqualTo(2);
            assertThat(after.runs()).extracting(RecoveryPlan.Run::resumed, RecoveryPlan.Run::outcome)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(false, "failed"),
                            org.assertj.core.groups.Tuple.tuple(true, "completed"));
        }
        assertThat(env.client(WEST).getDatabase("devflow").getCollection("users").countDocuments()).isEqualTo(9);
        assertThat(Files.readAllLines(hookLog)).endsWith(before.id() + " " + WEST);
        CliRun again = cli("recover", "resume", before.id());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("completed already; nothing to resume");
    }

    @Test
    @Order(6)
    void shouldResumeAPlanWhoseProcessWasKilledBetweenSteps() throws Exception {
        Path release = env.dir().resolve("release-hook");
        ObjectNode blocking = env.drConfig().deepCopy();
        ((ObjectNode) blocking.path("recovery").path("plans").path("hooks").get(0)).putArray("command").add("sh").add("-c")
                .add("while [ ! -e '" + release + "' ]; do sleep 0.2; done").add("hook");
        Path blockingConfig = env.dir().resolve("blocking-config.json");
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("disasterRecovery", blocking);
        Files.write(blockingConfig, Json.bytes(root));
        Process dying = child(blockingConfig, "recover", "full", "--target-region", WEST, "--store", "redis", "--yes");
        RecoveryPlan running;
        try (DrServices services = new DrServices(env.config())) {
            Poll.until("the killed process's plan reaches its hook", Duration.ofSeconds(90), () ->
                    services.recoveries().list(1).stream().anyMatch(p -> p.stores().get(0).store().equals("redis")
                            && p.step("hook-deploy-apps").map(s -> s.state() == StepState.RUNNING).orElse(false)));
            dying.destroyForcibly();
            dying.waitFor();
            Files.createFile(release);
            running = services.recoveries().list(1).get(0);
        }
        assertThat(running.state()).isEqualTo(PlanState.RUNNING);

        // refused while the killed process's heartbeat is fresh (RecoveriesTest), then taken over
        List<CliRun> attempts = new ArrayList<>();
        Poll.until("the plan can be resumed", Duration.ofSeconds(30), () -> {
            CliRun attempt = cli("recover", "resume", running.id());
            attempts.add(attempt);
            return attempt.exitCode() != 2 || !attempt.err().contains("is running");
        });
        CliRun resumed = attempts.get(attempts.size() - 1);

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        try (DrServices services = new DrServices(env.config())) {
            RecoveryPlan after = services.recoveries().get(running.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(PlanState.COMPLETED);
            assertThat(after.step("restore-redis").orElseThrow()).isEqualTo(running.step("restore-redis").orElseThrow());
            assertThat(after.step("verify-redis").orElseThrow().attempts()).isEqualTo(1);
            assertThat(after.step("hook-deploy-apps").orElseThrow().attempts()).isEqualTo(2);
            assertThat(after.runs()).hasSize(2);
            assertThat(after.runs().get(0).outcome()).as("the killed run never ended").isNull();
        }
        assertThat(Files.readAllLines(hookLog)).endsWith(running.id() + " " + WEST);
    }

    @Test
    @Order(7)
    void shouldRecoverEveryStoreToAPointInTime() throws Exception {
        MongoCollection<Document> users = env.client(EAST).getDatabase("devflow").getCollection("users");
        users.insertOne(new Document("_id", "before-t"));
        Instant t = Instant.now();
        Poll.until("the clock passes T by more than a second", Duration.ofSeconds(5),
                () -> Instant.now().isAfter(t.plusMillis(1_100)));
        users.insertOne(new Document("_id", "after-t"));
        long tNanos = t.toEpochMilli() * 1_000_000;
        influx(EAST).write("metrics", List.of("cpu,host=pitr usage=1 " + (tNanos - 500_000_000L),
                "cpu,host=pitr usage=2 " + (tNanos + 500_000_000L)));
        for (String store : List.of("mongodb", "influxdb")) {
            CliRun backup = cli("backup", "--type", "incremental", "--store", store, "--region", EAST);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }
        CliRun inPlace = cli("recover", "point-in-time", "--point-in-time", t.toString(), "--dry-run");
        assertThat(inPlace.out()).contains("Target Region: us-east-1 (the active region: recovery in place");

        CliRun run = cli("recover", "point-in-time", "--point-in-time", t.toString(), "--target-region", WEST,
                "--mode", "replace", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        MongoCollection<Document> restored = env.client(WEST).getDatabase("devflow").getCollection("users");
        assertThat(restored.countDocuments(new Document("_id", "before-t"))).isOne();
        assertThat(restored.countDocuments(new Document("_id", "after-t"))).isZero();
        assertThat(restored.countDocuments(new Document("_id", "user-3"))).as("replace mode: as of T").isOne();
        assertThat(InfluxData.points(influx(WEST), "metrics")).anyMatch(l -> l.startsWith("cpu,host=pitr usage=1"))
                .noneMatch(l -> l.startsWith("cpu,host=pitr usage=2"));
        assertThat(RedisData.snapshot(env.redis(WEST).port(), List.of(0, 3)))
                .isEqualTo(RedisData.snapshot(env.redis(EAST).port(), List.of(0, 3)));
        try (DrServices services = new DrServices(env.config())) {
            RecoveryPlan plan = services.recoveries().list(1).get(0);
            assertThat(plan.kind()).isEqualTo(PlanEnums.Kind.POINT_IN_TIME);
            assertThat(plan.pointInTime()).isEqualTo(t);
            assertThat(plan.steps()).extracting(PlanStep::id).containsExactly("restore-mongodb", "replay-mongodb",
                    "restore-redis", "verify-redis", "restore-influxdb", "replay-influxdb", "hook-deploy-apps");
            assertThat(plan.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.COMPLETED));
        }
    }

    @Test
    @Order(8)
    void shouldRefuseWhileReplicationWritesIntoTheTarget() throws Exception {
        env.drConfig().putObject("replication").put("enabled", true);
        env.writeConfig();
        env.client(WEST).getDatabase("devflow").getCollection("users").insertOne(new Document("_id", "kept"));
        try {
            CliRun refused = cli("recover", "full", "--target-region", WEST, "--mode", "replace", "--yes");

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).contains("replication writes into us-west-2 (us-east-1 -> us-west-2: mongodb, redis, "
                    + "influxdb)").contains("'dr replication stop'");
            assertThat(refused.errIsOneCleanLine()).isTrue();
            assertThat(env.client(WEST).getDatabase("devflow").getCollection("users")
                    .countDocuments(new Document("_id", "kept"))).isOne();

            CliRun stop = cli("replication", "stop");
            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            CliRun allowed = cli("recover", "full", "--target-region", WEST, "--store", "mongodb", "--dry-run");
            assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
        } finally {
            env.drConfig().remove("replication");
            env.writeConfig();
        }
    }

    private InfluxHttp influx(String region) {
        InfluxConfig influx = env.config().requireRegion(region).requireInfluxdb();
        return new InfluxHttp(influx);
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", config));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** {@code dr} in a JVM of its own, so that it can be killed like a machine that dies. */
    private Process child(Path configFile, String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath, DrMain.class.getName(),
                "--config", configFile.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(configFile.resolveSibling("killed-recovery.log").toFile()).start();
    }

}
