package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/** Every command's success path and its bad-input paths, against real servers: exit codes and messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

    TestEnvironment env;
    String config;
    String backupId;

    @BeforeAll
    void start(@TempDir Path dir) {
        env = TestEnvironment.start(dir, EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 200).mapToObj(BsonSamples::everyType).toList());
        config = env.configFile().toString();
        CliRun backup = CliRun.of("--config", config, "backup", "--type", "full", "--output", "json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        backupId = json(backup.out()).path("id").asText();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    void shouldPrintTheCompletedBackupAsJsonWithItsId() {
        assertThat(backupId).matches("backup-full-\\d{8}-\\d{6}-[a-z0-9]{6}");
        JsonNode listed = json(run("backups", "list", "--output", "json").out());
        JsonNode entry = null;
        for (JsonNode b : listed.path("backups")) {
            if (b.path("id").asText().equals(backupId)) {
                entry = b;
            }
        }
        assertThat(entry).as(listed.toString()).isNotNull();
        assertThat(entry.path("status").asText()).isEqualTo("completed");
        assertThat(entry.path("items").asLong()).isEqualTo(200);
        assertThat(entry.path("region").asText()).isEqualTo(EAST);
    }

    @Test
    void shouldBackUpWithTextOutput() {
        CliRun run = run("backup", "--type", "full", "--store", "mongodb", "--region", EAST);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("completed").contains("Items:         200 in 1 sections")
                .contains("Verified:      full: passed");
    }

    @Test
    void shouldListBackupsAsATable() {
        CliRun run = run("backups", "list", "--store", "mongodb");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("ID").contains(backupId).contains("completed");
    }

    @Test
    void shouldVerifyAtEachLevel() {
        for (String level : new String[] {"quick", "full", "restore"}) {
            CliRun run = run("verify", backupId, "--level", level);
            assertThat(run.exitCode()).as(level + ": " + run).isZero();
            assertThat(run.out()).contains("verified (" + level + "): passed");
        }
    }

    @Test
    void shouldRestoreIntoAnotherRegionAndDatabase() {
        CliRun run = run("restore", backupId, "--target-region", WEST, "--target-database", "cli_restored", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Restored 200 items into us-west-2");
        assertThat(env.client(WEST).getDatabase("cli_restored").getCollection("things").countDocuments()).isEqualTo(200);
    }

    @Test
    void shouldRefuseToRestoreWithoutConfirmationWhenNotInteractive() {
        CliRun run = run("restore", backupId, "--target-region", WEST, "--target-database", "never_written");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("pass --yes");
        assertThat(env.client(WEST).getDatabase("never_written").getCollection("things").countDocuments()).isZero();
    }

    @Test
    void shouldValidateTheConfiguration() {
        CliRun run = run("config", "validate");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("is valid").contains("us-east-1 (primary)").doesNotContain("secret-us-east-1");
    }

    @Test
    void shouldReportUsageErrorsWithExitCodeTwo() {
        assertUsage(run("backup"), "--type");
        assertUsage(run("backup", "--type", "weekly"), "'weekly' is not a backup type");
        assertUsage(run("backup", "--type", "full", "--store", "cassandra"), "'cassandra' is not a store");
        assertUsage(run("backup", "--type", "full", "--region", "eu-central-9"), "unknown region 'eu-central-9'");
        assertUsage(run("verify", "not-a-backup"), "'not-a-backup' is not a backup id");
        assertUsage(run("verify", backupId, "--level", "paranoid"), "'paranoid' is not a level");
        assertUsage(run("restore", backupId, "--target-region", "mars-1", "--yes"), "unknown region 'mars-1'");
        assertUsage(run("restore", backupId, "--target-region", WEST, "--target-database", "a=b", "--yes"),
                "has no database 'a'");
        assertUsage(run("bogus"), "Unmatched argument");
        assertUsage(CliRun.of("demo", "--once", "--http-port", "99999"), "port 99999 is not a TCP port (1-65535)");
        assertUsage(CliRun.of("--config", env.dir().resolve("missing.json").toString(), "backups", "list"),
                "does not exist");
    }

    @Test
    void shouldReportAnUnknownBackupIdAsAFailedLookup() {
        CliRun run = run("verify", "backup-full-20200101-000000-aaaaaa");

        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("no backup backup-full-20200101-000000-aaaaaa in us-east-1").contains("us-west-2");
        assertThat(run.errIsOneCleanLine()).as(run.toString()).isTrue();
    }

    @Test
    void shouldListEveryConfigurationProblemWithItsPath() throws Exception {
        Path broken = env.dir().resolve("broken.json");
        Files.writeString(broken, """
                {"disasterRecovery": {
                  "regions": {"us-east-1": {"role": "primary", "mongodb": {"url": "mongodb://h", "databases": []},
                                            "storage": {"type": "s3", "region": "us-east-1"}}},
                  "backup": {"encryption": {"provider": "local"}, "retention": {"daily": -1}},
                  "surprise": true}}
                """);
        CliRun run = CliRun.of("--config", broken.toString(), "config", "validate");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err())
                .contains("disasterRecovery.regions.us-east-1.mongodb.databases: must name at least one database")
                .contains("disasterRecovery.regions.us-east-1.storage.bucket: required")
                .contains("disasterRecovery.backup.encryption: the local provider needs exactly one of keyFile")
                .contains("disasterRecovery.backup.retention.daily: must be between 0 and 3650")
                .contains("disasterRecovery.surprise: unknown key");
    }

    @Test
    void shouldFailWithOneLineWhenTheDatabaseIsUnreachable() throws Exception {
        Path unreachable = env.dir().resolve("unreachable.json");
        JsonNode copy = env.drConfig().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("regions").path(EAST).path("mongodb"))
                .put("url", "mongodb://127.0.0.1:" + TestEnvironment.freePort()).put("serverSelectionTimeoutMs", 300);
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("backup").path("retry")).put("maxRedeliveries", 0);
        Files.write(unreachable, Json.bytes(Json.MAPPER.createObjectNode().set("disasterRecovery", copy)));

        CliRun run = CliRun.of("--config", unreachable.toString(), "backup", "--type", "full");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("dr: backup backup-full-").contains("failed")
                .contains("(mongodb, us-east-1) failed").contains("MongoDB us-east-1").contains("no MongoDB server reachable");
        assertThat(run.errIsOneCleanLine()).as(run.toString()).isTrue();
    }

    @Test
    void shouldFailWhenNoRegionsStorageIsReachable() throws Exception {
        Path unreachable = env.dir().resolve("no-storage.json");
        JsonNode copy = env.drConfig().deepCopy();
        for (String region : new String[] {EAST, WEST}) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("regions").path(region).path("storage"))
                    .put("endpoint", "http://127.0.0.1:" + TestEnvironment.freePort());
        }
        Files.write(unreachable, Json.bytes(Json.MAPPER.createObjectNode().set("disasterRecovery", copy)));

        CliRun run = CliRun.of("--config", unreachable.toString(), "backups", "list");

        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("region us-east-1 could not be listed").contains("region us-west-2 could not be listed")
                .contains("no region's backup storage could be reached").doesNotContain("\tat ");
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config;
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }

    private static void assertUsage(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).as(run.toString()).contains(message).doesNotContain("\tat ");
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
