package io.devflow.dr.drill;

import com.fasterxml.jackson.core.type.TypeReference;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.recovery.plan.RecoveryPlan;
import io.devflow.dr.recovery.plan.StepType;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.redis.ReservedKeys;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.MutableClock;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import redis.clients.jedis.Jedis;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup, failover and recovery-time drills on real servers (mongo-java-server, redis-server, s3proxy in two
 * regions), mostly through the CLI: each passes on a healthy deployment and fails on its negative control (a tampered
 * backup, an unreachable target, an RTO shorter than the recovery), and either way leaves no scratch database or key
 * behind; the results are in the history, and the RTO/RPO gauges follow the measurements.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillIT {

    /** No replication here, so its metadata database (15) is free, and the highest one is the scratch. */
    private static final int REDIS_SCRATCH = 15;

    TestEnvironment env;
    String config;

    @BeforeAll
    void start(@TempDir Path dir) {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            dr.with("backup").with("incremental").put("captureWorker", false);
            dr.putObject("recovery").put("rpo", 15);
        }, EAST, WEST);
        for (String region : List.of(EAST, WEST)) {
            env.client(region).getDatabase("devflow").getCollection("things")
                    .insertMany(IntStream.range(0, 40).mapToObj(BsonSamples::everyType).toList());
            try (Jedis jedis = redis(region, 0)) {
                IntStream.range(0, 30).forEach(i -> jedis.set("key-" + i, "value-" + i));
                jedis.hset("hash", "field", "value");
                jedis.setex("session", 3_600, "expires");
            }
            try (Jedis jedis = redis(region, 3)) {
                jedis.rpush("queue", "a", "b", "c");
            }
        }
        config = env.configFile().toString();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    @Order(1)
    void shouldRestoreTheNewestFullBackupsIntoScratchAndLeaveNothingBehind() throws Exception {
        backup(EAST, "mongodb");
        backup(EAST, "redis");

        CliRun run = cli("test", "--type", "backup", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        DrillResult result = results(run.out()).get(0);
        assertThat(result.type()).isEqualTo(DrillType.BACKUP);
        assertThat(result.passed()).isTrue();
        assertThat(result.stores()).containsOnlyKeys("mongodb", "redis");
        assertThat(result.stores().values()).allSatisfy(s -> {
            assertThat(s.passed()).isTrue();
            assertThat(s.detail()).contains("fingerprints match");
            assertThat(s.seconds()).isPositive();
        });
        assertThat(result.cleanup()).anyMatch(c -> c.startsWith("dropped mongodb database dr_drill_"))
                .anyMatch(c -> c.startsWith("emptied redis scratch database " + REDIS_SCRATCH));
        assertNoScratchLeft(EAST);

        CliRun history = cli("test", "history", "--type", "backup", "--output", "json");
        assertThat(results(history.out())).extracting(DrillResult::id).containsExactly(result.id());
        try (DrServices services = new DrServices(env.config())) {
            DrillRecords.Measure measure = services.drills().records().measures().get("mongodb");
            assertThat(measure.drillId()).isEqualTo(result.id());
            assertThat(measure.passed()).isTrue();
            services.drills().objectives().refresh();
            assertThat(services.meterRegistry().scrape()).contains("dr_rto_compliance{store=\"mongodb\"} 1.0")
                    .contains("dr_rto_compliance{store=\"redis\"} 1.0")
                    .contains("dr_rto_measured_seconds{store=\"mongodb\"} " + measure.seconds());
        }
    }

    @Test
    @Order(2)
    void shouldFailTheBackupDrillOnATamperedBackupAndStillDropItsScratchDatabases() throws Exception {
        String key = newestFull(EAST, StoreKind.MONGODB).manifest().object().key();
        byte[] bytes = env.bucketStore(EAST).getBytes(key).orElseThrow();
        bytes[bytes.length / 2] ^= 0x40;
        env.bucketStore(EAST).put(key, bytes, "application/octet-stream");

        CliRun run = cli("test", "--type", "backup", "--output", "junit");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(run.out().getBytes(StandardCharsets.UTF_8)));
        assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(junit.getElementsByTagName("failure").getLength()).isEqualTo(1);
        DrillResult result = results(cli("test", "history", "--limit", "1", "--output", "json").out()).get(0);
        assertThat(result.passed()).isFalse();
        assertThat(result.stores().get("mongodb").passed()).isFalse();
        assertThat(result.stores().get("mongodb").detail()).contains("it was tampered with");
        assertThat(result.stores().get("redis").passed()).isTrue();
        assertThat(result.failure()).startsWith("mongodb: ");
        assertNoScratchLeft(EAST);
        try (DrServices services = new DrServices(env.config())) {
            services.drills().objectives().refresh();
            assertThat(services.meterRegistry().scrape()).contains("dr_rto_compliance{store=\"mongodb\"} 0.0")
                    .contains("dr_rto_compliance{store=\"redis\"} 1.0");
        }
        backup(EAST, "mongodb");
    }

    @Test
    @Order(3)
    void shouldMeasureTheRecoveryPointAgainstTheRpoAsTimePasses() {
        MutableClock clock = new MutableClock(Instant.now());
        try (DrServices services = new DrServices(env.config(), new RegionDirectory(env.config()), clock)) {
            services.drills().objectives().refresh();
            assertThat(services.meterRegistry().scrape()).contains("dr_rpo_compliance{store=\"redis\"} 1.0");
            RecoveryObjectives.StoreObjectives fresh = services.drills().objectives().of("redis");

            clock.advance(Duration.ofMinutes(16));

            assertThat(services.meterRegistry().scrape()).contains("dr_rpo_compliance{store=\"redis\"} 0.0");
            RecoveryObjectives.StoreObjectives old = services.drills().objectives().of("redis");
            assertThat(old.rpoMeasuredSeconds() - fresh.rpoMeasuredSeconds()).isEqualTo(16 * 60.0);
            assertThat(old.replicationLagSeconds()).isNull();
        }
    }

    @Test
    @Order(4)
    void shouldDrillAFailoverToTheStandbyWithoutChangingWhatProductionServes() throws Exception {
        backup(WEST, "mongodb");
        backup(WEST, "redis");

        CliRun run = cli("test", "--type", "failover", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        DrillResult result = results(run.out()).get(0);
        assertThat(result.steps()).extracting(DrillResult.StepResult::name).containsExactly("validate-target",
                "stop-traffic (dry run)", "promote (scratch)", "verify", "compensate");
        assertThat(result.steps()).allMatch(DrillResult.StepResult::passed);
        assertThat(result.stores()).containsOnlyKeys("mongodb", "redis");
        assertThat(result.cleanup()).hasSize(2);
        assertNoScratchLeft(WEST);
        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.activeRegions().fresh()).isEqualTo(ActiveRegion.configured(RegionId.of(EAST)));
            assertThat(services.failovers().list(10)).isEmpty();
        }
        assertThat(Files.exists(env.configFile().resolveSibling("active-region.json"))).isFalse();
    }

    @Test
    @Order(5)
    void shouldFailTheFailoverDrillWhenTheTargetIsUnreachable() throws Exception {
        int port = env.stopRedis(WEST);
        try {
            CliRun run = cli("test", "--type", "failover", "--output", "json");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            DrillResult result = results(run.out()).get(0);
            assertThat(result.passed()).isFalse();
            assertThat(result.steps()).extracting(DrillResult.StepResult::name).containsExactly("validate-target", "compensate");
            assertThat(result.steps().get(0).passed()).isFalse();
            assertThat(result.steps().get(0).detail()).contains("target-unhealthy").contains("us-west-2 is not healthy");
            assertThat(result.steps().get(1).passed()).isTrue();
        } finally {
            env.startRedisAgain(WEST, port);
        }
        assertNoScratchLeft(WEST);
    }

    @Test
    @Order(6)
    void shouldRefuseJunitOutputForOtherCommandsAndAnUnknownType() {
        CliRun junit = cli("status", "--output", "junit");
        CliRun type = cli("test", "--type", "chaos");

        assertThat(junit.exitCode()).isEqualTo(2);
        assertThat(junit.err()).contains("--output junit applies to dr test only");
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("--type must be backup, replication, failover, recovery-time or all, not 'chaos'");
        assertThat(type.errIsOneCleanLine()).isTrue();
    }

    @Test
    @Order(7)
    void shouldRunAFullRecoveryPlanIntoScratchTimedAgainstTheRto() throws Exception {
        long documents = env.client(WEST).getDatabase("devflow").getCollection("things").countDocuments();
        long keys = keys(WEST, 0);

        CliRun run = cli("test", "--type", "recovery-time", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        DrillResult result = results(run.out()).get(0);
        assertThat(result.type()).isEqualTo(DrillType.RECOVERY_TIME);
        assertThat(result.passed()).isTrue();
        assertThat(result.stores()).containsOnlyKeys("mongodb", "redis");
        assertThat(result.stores().values()).allSatisfy(s -> {
            assertThat(s.passed()).isTrue();
            assertThat(s.seconds()).isPositive();
        });
        assertThat(result.steps()).extracting(DrillResult.StepResult::name).containsExactlyInAnyOrder("restore-mongodb",
                "verify-mongodb", "restore-redis", "verify-redis", "within-rto");
        assertThat(result.steps()).allMatch(DrillResult.StepResult::passed);
        assertThat(result.steps()).filteredOn(s -> s.name().startsWith("verify-"))
                .allSatisfy(s -> assertThat(s.detail()).contains("sections match"));
        assertThat(result.cleanup()).anyMatch(c -> c.startsWith("dropped mongodb database dr_drill_"))
                .contains("emptied redis scratch database 15 on " + WEST, "emptied redis scratch database 14 on " + WEST);
        assertNoScratchLeft(WEST);
        assertThat(env.client(WEST).getDatabase("devflow").getCollection("things").countDocuments()).isEqualTo(documents);
        assertThat(keys(WEST, 0)).as("production keys untouched").isEqualTo(keys);

        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.drills().suite().available()).as("dr test without --type, the monthly full test")
                    .containsExactly(DrillType.BACKUP, DrillType.REPLICATION, DrillType.FAILOVER, DrillType.RECOVERY_TIME);
            DrillRecords.Measure measure = services.drills().records().measures().get("redis");
            assertThat(measure.drillId()).isEqualTo(result.id());
            assertThat(measure.type()).isEqualTo(DrillType.RECOVERY_TIME);
            assertThat(measure.seconds()).isEqualTo(result.stores().get("redis").seconds());
            services.drills().objectives().refresh();
            assertThat(services.meterRegistry().scrape()).contains("dr_rto_compliance{store=\"redis\"} 1.0")
                    .contains("dr_rto_measured_seconds{store=\"redis\"} " + measure.seconds());
            RecoveryPlan plan = services.recoveries().list(10).stream().filter(p -> result.id().equals(p.drill()))
                    .findFirst().orElseThrow();
            assertThat(plan.state().id()).isEqualTo("completed");
            assertThat(plan.targetRegion()).isEqualTo(WEST);
            assertThat(plan.part("mongodb").orElseThrow().databases().values()).allMatch(n -> n.startsWith("dr_drill_"));
            assertThat(plan.steps()).noneMatch(s -> s.type() == StepType.HOOK);

            CliRun resume = cli("recover", "resume", plan.id());
            assertThat(resume.exitCode()).isEqualTo(2);
            assertThat(resume.err()).contains("was run by the recovery-time drill " + result.id());
        }
    }

    @Test
    @Order(8)
    void shouldFailTheRecoveryTimeDrillOnATamperedBackupAndLeaveNoScratch() throws Exception {
        String key = newestFull(WEST, StoreKind.MONGODB).manifest().object().key();
        byte[] bytes = env.bucketStore(WEST).getBytes(key).orElseThrow();
        bytes[bytes.length / 2] ^= 0x40;
        env.bucketStore(WEST).put(key, bytes, "application/octet-stream");

        CliRun run = cli("test", "--type", "recovery-time", "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        DrillResult result = results(run.out()).get(0);
        assertThat(result.passed()).isFalse();
        assertThat(result.stores().get("mongodb").passed()).isFalse();
        assertThat(result.steps()).filteredOn(s -> s.name().equals("restore-mongodb")).singleElement()
                .satisfies(s -> assertThat(s.detail()).contains("does not match its manifest (the object was modified)"));
        assertThat(result.steps()).extracting(DrillResult.StepResult::name).doesNotContain("within-rto");
        assertThat(result.cleanup()).anyMatch(c -> c.startsWith("dropped mongodb database dr_drill_"));
        assertNoScratchLeft(WEST);
        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.drills().records().measures().get("mongodb").passed()).isFalse();
            services.drills().objectives().refresh();
            assertThat(services.meterRegistry().scrape()).contains("dr_rto_compliance{store=\"mongodb\"} 0.0");
        }
        backup(WEST, "mongodb");
    }

    @Test
    @Order(9)
    void shouldFailTheRecoveryTimeDrillWhenTheRecoveryTakesLongerThanTheRto() {
        DrillOutcome outcome = new DrillOutcome();
        try (DrServices services = new DrServices(env.config())) {
            new RecoveryTimeDrill(services.config(), services.regions(), services.stores(), services.recoveries(),
                    () -> RegionId.of(EAST), Duration.ofMillis(1)).run(DrillRecords.newId(Instant.now()), outcome);
        }

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.stores().values()).allMatch(DrillResult.StoreResult::passed);
        DrillResult.StepResult rto = outcome.steps().get(outcome.steps().size() - 1);
        assertThat(rto.name()).isEqualTo("within-rto");
        assertThat(rto.passed()).isFalse();
        assertThat(rto.detail()).containsPattern("recovered and verified in [0-9.]+ s, over the RTO of 0\\.001 s");
        assertThat(outcome.failure()).startsWith("within-rto: plan recovery-");
        assertNoScratchLeft(WEST);
    }

    private void assertNoScratchLeft(String region) {
        assertThat(env.client(region).listDatabaseNames().into(new ArrayList<>())).noneMatch(n -> n.startsWith("dr_drill_"));
        try (Jedis scratch = redis(region, REDIS_SCRATCH); Jedis second = redis(region, REDIS_SCRATCH - 1);
             Jedis data = redis(region, 0)) {
            assertThat(scratch.dbSize()).isZero();
            assertThat(second.dbSize()).as("the recovery-time drill's second scratch database").isZero();
            assertThat(data.keys(ReservedKeys.PREFIX + "*")).isEmpty();
        }
    }

    private long keys(String region, int database) {
        try (Jedis jedis = redis(region, database)) {
            return jedis.dbSize();
        }
    }

    private BackupRecord newestFull(String region, StoreKind store) {
        try (DrServices services = new DrServices(env.config())) {
            return services.catalog().completed(store, services.regions().get(region)).stream()
                    .filter(r -> "full".equals(r.type())).findFirst().orElseThrow();
        }
    }

    private void backup(String region, String store) {
        CliRun backup = cli("backup", "--type", "full", "--store", store, "--region", region);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
    }

    private Jedis redis(String region, int database) {
        Jedis jedis = new Jedis("127.0.0.1", env.redis(region).port());
        jedis.select(database);
        return jedis;
    }

    private static List<DrillResult> results(String json) throws Exception {
        return Json.MAPPER.readValue(json, new TypeReference<>() { });
    }

    private CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config;
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }
}
