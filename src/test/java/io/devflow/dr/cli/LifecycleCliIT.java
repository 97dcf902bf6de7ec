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

import java.nio.file.Path;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle commands (incrementals, status, retention, point-in-time restore) and their bad inputs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleCliIT {

    TestEnvironment env;
    String full;
    String increment;
    String incrementCoveredUntil;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        env = TestEnvironment.start(dir, EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 30).mapToObj(BsonSamples::everyType).toList());
        full = id(run("backup", "--type", "full", "--output", "json"));
        env.client(EAST).getDatabase("devflow").getCollection("things").insertOne(BsonSamples.everyType(99));
        Thread.sleep(1_100);
        CliRun incremental = run("backup", "--type", "incremental", "--output", "json");
        increment = id(incremental);
        incrementCoveredUntil = json(incremental.out()).path("coveredUntil").asText();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    void shouldTakeAnIncrementalThatContinuesTheFullBackup() {
        JsonNode listed = json(run("backups", "list", "--output", "json").out());
        JsonNode entry = null;
        for (JsonNode b : listed.path("backups")) {
            if (b.path("id").asText().equals(increment)) {
                entry = b;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.path("type").asText()).isEqualTo("incremental");
        assertThat(entry.path("parent").asText()).isEqualTo(full);
        assertThat(entry.path("items").asLong()).isEqualTo(1);
        assertThat(run("backups", "list").out()).contains("PARENT").contains(full);
    }

    @Test
    void shouldShowTheLastBackupsAgainstTheRpo() {
        CliRun text = run("status");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("Primary Region: us-east-1").contains(full).contains(increment).contains("met");

        JsonNode json = json(run("status", "--output", "json").out());
        JsonNode east = json.path("backups").path("stores").get(0);
        assertThat(east.path("region").asText()).isEqualTo(EAST);
        assertThat(east.path("lastFull").path("id").asText()).isEqualTo(full);
        assertThat(east.path("rpoMet").asBoolean()).isTrue();
    }

    @Test
    void shouldListWhatRetentionWouldDoWithoutDoingIt() {
        CliRun run = run("retention", "apply", "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("keep    " + full).contains("newest full backup").contains("Dry run: would keep 2");
        assertThat(run("backups", "list").out()).contains(full).contains(increment);
    }

    @Test
    void shouldRestoreToAPointInTime() {
        CliRun run = run("restore", "--point-in-time", incrementCoveredUntil, "--store", "mongodb",
                "--target-region", WEST, "--target-database", "as_of_now", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Point-in-time recovery plan").contains(full).contains(increment);
        assertThat(env.client(WEST).getDatabase("as_of_now").getCollection("things").countDocuments()).isEqualTo(31);
    }

    @Test
    void shouldRefuseBadLifecycleRequests() {
        assertUsage(run("backup", "--type", "incremental", "--store", "redis"), "region us-east-1 has no redis configured");
        assertUsage(run("restore", full, "--point-in-time", "2026-01-01T00:00:00Z", "--target-region", WEST, "--yes"),
                "either a backup id or --point-in-time");
        assertUsage(run("restore", "--target-region", WEST, "--yes"), "either a backup id or --point-in-time");
        assertUsage(run("restore", "--point-in-time", "yesterday", "--target-region", WEST, "--yes"),
                "'yesterday' is not a point in time");
        assertUsage(run("restore", "--point-in-time", "2999-01-01T00:00:00Z", "--target-region", WEST, "--yes"),
                "is in the future");
        assertUsage(run("restore", "--point-in-time", "2001-01-01T00:00:00Z", "--store", "mongodb", "--target-region", WEST,
                "--yes"), "no mongodb backup in any region completed at or before 2001-01-01T00:00:00Z");
        assertUsage(run("restore", increment, "--target-region", WEST, "--yes"), "is an incremental segment");
        assertUsage(run("retention", "apply", "--dry-run", "--keep-everything"), "Unknown option");
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = env.configFile().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }

    private static String id(CliRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return json(run.out()).path("id").asText();
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
