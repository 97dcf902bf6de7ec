package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ReplicationConfigTest {

    private static final String DR = "/disasterRecovery";
    private static final String REPLICATION = "disasterRecovery.replication";

    @Test
    void shouldHaveNoReplicationWithoutAReplicationBlock() {
        assertThat(TestConfigs.load(TestConfigs.minimal()).replication()).isEmpty();
    }

    @Test
    void shouldReplicateThePrimaryToEveryOtherRegionWithTheSeedsDefaults() {
        ObjectNode root = threeRegions();
        at(root, DR).putObject("replication");

        ReplicationConfig replication = replication(root);

        assertThat(replication.enabled()).isTrue();
        assertThat(replication.source()).isEqualTo(RegionId.of("us-east-1"));
        assertThat(replication.targets()).containsExactly(RegionId.of("eu-west-1"), RegionId.of("us-west-2"));
        assertThat(replication.stores()).containsExactly(StoreKind.MONGODB);
        assertThat(replication.conflicts()).isEqualTo(
                new ReplicationConfig.ConflictConfig(ConflictStrategy.LAST_WRITE_WINS, "updatedAt"));
        assertThat(replication.health()).isEqualTo(
                new ReplicationConfig.Health(Duration.ofSeconds(60), Duration.ofSeconds(300)));
        assertThat(replication.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(replication.mongodb()).isEqualTo(new ReplicationConfig.Mongo("devflow_dr", 500, Duration.ofMillis(50)));
        assertThat(replication.redis()).isEqualTo(new ReplicationConfig.Redis(15, Duration.ofMinutes(5), 500));
        assertThat(replication.influxdb()).isEqualTo(
                new ReplicationConfig.Influx(Duration.ofSeconds(10), Duration.ofMinutes(1)));
    }

    @Test
    void shouldReplicateByDefaultOnlyTheStoresOfTheSourceAndEveryTarget() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR + "/regions/us-east-1").set("redis", redis(0));
        at(root, DR + "/regions/us-east-1").set("influxdb", influx());
        at(root, DR + "/regions/us-west-2").set("redis", redis(0));
        at(root, DR).putObject("replication");

        assertThat(replication(root).stores()).containsExactlyInAnyOrder(StoreKind.MONGODB, StoreKind.REDIS);
        assertThat(replication(root).replicates(StoreKind.INFLUXDB)).isFalse();
    }

    @Test
    void shouldLoadEveryReplicationSetting() {
        ObjectNode root = threeRegions();
        at(root, DR + "/regions/us-west-2").put("role", "primary");
        at(root, DR + "/regions/us-east-1").put("role", "secondary");
        ObjectNode replication = at(root, DR).putObject("replication");
        replication.put("enabled", false).put("source", "us-east-1").put("checkpointIntervalSeconds", 30);
        replication.putArray("targets").add("us-west-2").add("us-west-2");
        replication.putArray("stores").add("mongodb");
        replication.putObject("conflictResolution").put("strategy", "timestamp-based").put("timestampField", "modifiedAt");
        replication.putObject("health").put("degradedLagSeconds", 10).put("failedLagSeconds", 20);
        replication.putObject("mongodb").put("metadataDatabase", "dr_meta").put("batchSize", 100).put("lingerMs", 20);
        replication.putObject("redis").put("metadataDatabase", 14).put("reconcileIntervalSeconds", 60).put("batchSize", 50);
        replication.putObject("influxdb").put("windowSeconds", 30).put("overlapSeconds", 0);

        ReplicationConfig config = replication(root);

        assertThat(config).isEqualTo(new ReplicationConfig(false, RegionId.of("us-east-1"), List.of(RegionId.of("us-west-2")),
                Set.of(StoreKind.MONGODB),
                new ReplicationConfig.ConflictConfig(ConflictStrategy.TIMESTAMP_BASED, "modifiedAt"),
                new ReplicationConfig.Health(Duration.ofSeconds(10), Duration.ofSeconds(20)), Duration.ofSeconds(30),
                new ReplicationConfig.Mongo("dr_meta", 100, Duration.ofMillis(20)),
                new ReplicationConfig.Redis(14, Duration.ofSeconds(60), 50),
                new ReplicationConfig.Influx(Duration.ofSeconds(30), Duration.ZERO)));
    }

    @Test
    void shouldTakeTheStrategyAsANameOrAsAnObject() {
        ObjectNode byName = TestConfigs.minimal();
        at(byName, DR).putObject("replication").put("conflictResolution", "manual");
        ObjectNode byObject = TestConfigs.minimal();
        at(byObject, DR).putObject("replication").putObject("conflictResolution").put("strategy", "timestamp-based");
        ObjectNode fieldOnly = TestConfigs.minimal();
        at(fieldOnly, DR).putObject("replication").putObject("conflictResolution").put("timestampField", "editedAt");

        assertThat(replication(byName).conflicts()).isEqualTo(
                new ReplicationConfig.ConflictConfig(ConflictStrategy.MANUAL, "updatedAt"));
        assertThat(replication(byObject).conflicts()).isEqualTo(
                new ReplicationConfig.ConflictConfig(ConflictStrategy.TIMESTAMP_BASED, "updatedAt"));
        assertThat(replication(fieldOnly).conflicts()).isEqualTo(
                new ReplicationConfig.ConflictConfig(ConflictStrategy.LAST_WRITE_WINS, "editedAt"));
    }

    @Test
    void shouldReportAnEmptyStrategyOnce() {
        ObjectNode config = TestConfigs.minimal();
        at(config, DR).putObject("replication").put("conflictResolution", "");

        assertThat(problems(config)).hasSize(1).allMatch(p -> p.path().equals(REPLICATION + ".conflictResolution"));
    }

    @Test
    void shouldNameTheStrategiesForAnUnknownOne() {
        ObjectNode byName = TestConfigs.minimal();
        at(byName, DR).putObject("replication").put("conflictResolution", "newest-wins");
        ObjectNode byObject = TestConfigs.minimal();
        at(byObject, DR).putObject("replication").putObject("conflictResolution").put("strategy", "Manual");

        assertThat(problems(byName)).containsExactly(new ConfigProblem(REPLICATION + ".conflictResolution",
                "unknown strategy 'newest-wins'; strategies are last-write-wins, timestamp-based, manual"));
        assertThat(problems(byObject)).containsExactly(new ConfigProblem(REPLICATION + ".conflictResolution.strategy",
                "unknown strategy 'Manual'; strategies are last-write-wins, timestamp-based, manual"));
    }

    @Test
    void shouldRefuseAStrategyThatIsNeitherANameNorAnObject() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR).putObject("replication").put("conflictResolution", 3);

        assertThat(problems(root)).containsExactly(new ConfigProblem(REPLICATION + ".conflictResolution", "must be an object"));
    }

    @Test
    void shouldRefuseATimestampFieldThatCannotHoldATime() {
        ObjectNode id = TestConfigs.minimal();
        at(id, DR).putObject("replication").putObject("conflictResolution").put("timestampField", "_id");
        ObjectNode operator = TestConfigs.minimal();
        at(operator, DR).putObject("replication").putObject("conflictResolution").put("timestampField", "$natural");

        assertThat(problems(id)).containsExactly(new ConfigProblem(REPLICATION + ".conflictResolution.timestampField",
                "'_id' cannot hold a change time; name a field such as updatedAt"));
        assertThat(problems(operator)).extracting(ConfigProblem::path)
                .containsExactly(REPLICATION + ".conflictResolution.timestampField");
    }

    @Test
    void shouldRefuseUnknownKeysAtEveryLevel() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode replication = at(root, DR).putObject("replication");
        replication.put("lagAlert", 5);
        replication.putObject("conflictResolution").put("strategy", "manual").put("field", "updatedAt");
        replication.putObject("health").put("degradedLag", 30);

        assertThat(problems(root)).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                REPLICATION + ".lagAlert", REPLICATION + ".conflictResolution.field", REPLICATION + ".health.degradedLag");
    }

    @Test
    void shouldNameTheConfiguredRegionsForAnUnknownSourceOrTarget() {
        ObjectNode root = threeRegions();
        ObjectNode replication = at(root, DR).putObject("replication").put("source", "ap-south-1");
        replication.putArray("targets").add("us-west-2").add("US-WEST-2");

        assertThat(problems(root)).containsExactlyInAnyOrder(
                new ConfigProblem(REPLICATION + ".source",
                        "unknown region 'ap-south-1'; configured regions are eu-west-1, us-east-1, us-west-2"),
                new ConfigProblem(REPLICATION + ".targets",
                        "unknown region 'US-WEST-2'; configured regions are eu-west-1, us-east-1, us-west-2"));
    }

    @Test
    void shouldRefuseTheSourceAmongTheTargets() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR).putObject("replication").putArray("targets").add("us-west-2").add("us-east-1");

        assertThat(problems(root)).containsExactly(new ConfigProblem(REPLICATION + ".targets",
                "'us-east-1' is the source region; a region cannot replicate to itself"));
    }

    @Test
    void shouldRequireATarget() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR).putObject("replication").putArray("targets");

        assertThat(problems(root)).containsExactly(new ConfigProblem(REPLICATION + ".targets",
                "required: at least one region other than the source to replicate to"));
    }

    @Test
    void shouldRefuseStoresThatAreUnknownOrMissingInARegion() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR + "/regions/us-east-1").set("redis", redis(0));
        at(root, DR).putObject("replication").putArray("stores").add("mongodb").add("redis").add("cassandra");

        assertThat(problems(root)).containsExactlyInAnyOrder(
                new ConfigProblem(REPLICATION + ".stores", "unknown store 'cassandra'; stores are mongodb, redis, influxdb"),
                new ConfigProblem(REPLICATION + ".stores", "redis is replicated but region us-west-2 has no redis configured"));
    }

    @Test
    void shouldRefuseAnEmptyListOfStores() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR).putObject("replication").putArray("stores");

        assertThat(problems(root)).containsExactly(new ConfigProblem(REPLICATION + ".stores",
                "nothing to replicate: no store is configured in the source and every target"));
    }

    @Test
    void shouldRefuseThresholdsOutOfRange() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode replication = at(root, DR).putObject("replication").put("checkpointIntervalSeconds", 0);
        replication.putObject("health").put("degradedLagSeconds", -5).put("failedLagSeconds", 100_000);
        replication.putObject("mongodb").put("lingerMs", 5_000);

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                REPLICATION + ".mongodb.lingerMs: must be between 0 and 1000, was 5000",
                REPLICATION + ".health.degradedLagSeconds: must be between 1 and 86400, was -5",
                REPLICATION + ".health.failedLagSeconds: must be between 1 and 86400, was 100000",
                REPLICATION + ".checkpointIntervalSeconds: must be between 1 and 3600, was 0");
    }

    @Test
    void shouldRequireTheFailedThresholdAboveTheDegradedOne() {
        ObjectNode equal = TestConfigs.minimal();
        at(equal, DR).putObject("replication").putObject("health").put("degradedLagSeconds", 120).put("failedLagSeconds", 120);
        ObjectNode belowDefault = TestConfigs.minimal();
        at(belowDefault, DR).putObject("replication").putObject("health").put("failedLagSeconds", 30);

        assertThat(problems(equal)).containsExactly(new ConfigProblem(REPLICATION + ".health.failedLagSeconds",
                "must be larger than degradedLagSeconds (120)"));
        assertThat(problems(belowDefault)).containsExactly(new ConfigProblem(REPLICATION + ".health.failedLagSeconds",
                "must be larger than degradedLagSeconds (60)"));
    }

    @Test
    void shouldKeepReplicationMetadataOutOfReplicatedDatabases() {
        ObjectNode mongo = TestConfigs.minimal();
        at(mongo, DR).putObject("replication").putObject("mongodb").put("metadataDatabase", "audit");
        ObjectNode redisDefault = TestConfigs.minimal();
        at(redisDefault, DR + "/regions/us-east-1").set("redis", redis(15));
        at(redisDefault, DR + "/regions/us-west-2").set("redis", redis(15));
        at(redisDefault, DR).putObject("replication");
        ObjectNode redisChosen = TestConfigs.minimal();
        at(redisChosen, DR + "/regions/us-east-1").set("redis", redis(3));
        at(redisChosen, DR + "/regions/us-west-2").set("redis", redis(3));
        at(redisChosen, DR).putObject("replication").putObject("redis").put("metadataDatabase", 3);

        assertThat(problems(mongo)).containsExactly(new ConfigProblem(REPLICATION + ".mongodb.metadataDatabase",
                "'audit' is also a replicated database; choose a database of its own"));
        assertThat(problems(redisDefault)).containsExactly(new ConfigProblem(REPLICATION + ".redis",
                "Redis database 15 holds replication metadata by default but is also replicated; "
                        + "set redis.metadataDatabase to an unused database"));
        assertThat(problems(redisChosen)).containsExactly(new ConfigProblem(REPLICATION + ".redis.metadataDatabase",
                "3 is also a replicated database; choose a database of its own"));
    }

    @Test
    void shouldAllowMetadataInADatabaseOfAStoreThatIsNotReplicated() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR + "/regions/us-east-1").set("redis", redis(15));
        at(root, DR + "/regions/us-west-2").set("redis", redis(15));
        at(root, DR).putObject("replication").putArray("stores").add("mongodb");
        ObjectNode redisOnly = TestConfigs.minimal();
        at(redisOnly, DR + "/regions/us-east-1").set("redis", redis(0));
        at(redisOnly, DR + "/regions/us-west-2").set("redis", redis(0));
        ObjectNode replication = at(redisOnly, DR).putObject("replication");
        replication.putArray("stores").add("redis");
        replication.putObject("mongodb").put("metadataDatabase", "audit");

        assertThat(replication(root).stores()).containsExactly(StoreKind.MONGODB);
        assertThat(replication(redisOnly).mongodb().metadataDatabase()).isEqualTo("audit");
    }

    @Test
    void shouldReportAMistypedStoreBlockOnce() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR + "/regions/us-east-1").set("redis", redis(0));
        at(root, DR + "/regions/us-west-2").set("redis", redis(0));
        at(root, DR).putObject("replication").put("redis", 14).put("influxdb", "10s");

        assertThat(problems(root)).containsExactlyInAnyOrder(
                new ConfigProblem(REPLICATION + ".redis", "must be an object"),
                new ConfigProblem(REPLICATION + ".influxdb", "must be an object"));
    }

    @Test
    void shouldReportEveryReplicationProblemAtOnce() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode replication = at(root, DR).putObject("replication").put("source", "eu-west-1")
                .put("conflictResolution", "first-write-wins").put("enabled", "yes");
        replication.putObject("health").put("degradedLagSeconds", 600);
        replication.putObject("mongodb").put("metadataDatabase", "dr.meta");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                REPLICATION + ".enabled",
                REPLICATION + ".source",
                REPLICATION + ".conflictResolution",
                REPLICATION + ".health.failedLagSeconds",
                REPLICATION + ".mongodb.metadataDatabase");
        assertThat(failure.getMessage()).startsWith("configuration " + TestConfigs.SOURCE + " has 5 problems:");
    }

    private static ReplicationConfig replication(ObjectNode root) {
        return TestConfigs.load(root).replication().orElseThrow();
    }

    private static List<ConfigProblem> problems(ObjectNode root) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));
        assertThat(failure).as("configuration problems").isNotNull();
        return failure.problems();
    }

    /** The minimal configuration plus a third region, eu-west-1, with MongoDB. */
    private static ObjectNode threeRegions() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode eu = at(root, DR + "/regions").putObject("eu-west-1").put("role", "secondary");
        eu.putObject("mongodb").put("url", "mongodb://db-eu:27017").putArray("databases").add("devflow").add("audit");
        eu.putObject("storage").put("type", "s3").put("bucket", "devflow-dr-eu").put("region", "eu-west-1");
        return root;
    }

    /** Each call names a server of its own: two regions never share one. */
    private static final java.util.concurrent.atomic.AtomicInteger SERVERS = new java.util.concurrent.atomic.AtomicInteger();

    private static ObjectNode redis(int database) {
        ObjectNode redis = TestConfigs.minimal().objectNode().put("url", "redis://cache-" + SERVERS.incrementAndGet() + ":6379");
        redis.putArray("databases").add(database);
        return redis;
    }

    private static ObjectNode influx() {
        ObjectNode influx = TestConfigs.minimal().objectNode().put("url", "http://influxdb-" + SERVERS.incrementAndGet() + ":8086")
                .put("version", 1);
        influx.putArray("databases").add("metrics");
        return influx;
    }
}
