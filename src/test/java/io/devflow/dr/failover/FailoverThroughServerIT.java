package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.cli.DrMain;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerProcess;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dr failover} while a {@code dr server} (a process of its own) leads: the command posts the failover to the
 * leader's API and follows its record. Without a token it refuses naming the leader; a viewer's token gets the
 * server's 403 as one clear line, exit code 2, nothing changed; an admin token from {@code DR_API_TOKEN} (a CLI
 * process of its own, as an operator runs it) fails over with a line per step, exit code 0, run by the server.
 * No token is ever printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverThroughServerIT {

    static final String VIEWER_TOKEN = "viewer-token-0123456789abcdef0123456789abcdef";

    TestEnvironment env;
    ServerProcess server;
    Path routingFile;
    Path viewerTokenFile;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        routingFile = dir.resolve("routing").resolve("active-region.json");
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        viewerTokenFile = TestEnvironment.tokenFile(tokens, VIEWER_TOKEN);
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS), dr -> {
            dr.putObject("recovery").put("rpo", 15).putObject("failover").putObject("routing").put("provider", "file")
                    .putObject("file").put("path", routingFile.toString());
            dr.with("backup").with("incremental").put("captureWorker", false);
            dr.with("api").putArray("tokens").addObject().put("name", "dashboard").put("role", "viewer")
                    .put("token", "${file:" + viewerTokenFile + "}");
        }, EAST, WEST);
        for (String region : List.of(EAST, WEST)) {
            env.client(region).getDatabase("devflow").getCollection("things")
                    .insertMany(IntStream.range(0, 20).mapToObj(BsonSamples::everyType).toList());
        }
        for (String store : List.of("mongodb", "redis")) {
            CliRun backup = cli("backup", "--type", "full", "--store", store, "--region", WEST);
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }
        server = ServerProcess.start("server", env.configFile(), env.config().api().port());
        Poll.until("the server leads", Duration.ofSeconds(90), server::leads);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    @Order(1)
    void shouldRefuseWithoutATokenNamingTheLeader() {
        CliRun run = cli("failover", WEST, "--reason", "drill", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("leads (API http://127.0.0.1:" + env.config().api().port())
                .contains("pass --token-file FILE or set DR_API_TOKEN");
        assertThat(run.errIsOneCleanLine()).isTrue();
    }

    @Test
    @Order(2)
    void shouldPassOnTheServersRefusalOfAViewerTokenAndChangeNothing() throws Exception {
        CliRun run = cli("failover", WEST, "--reason", "drill", "--yes", "--token-file", viewerTokenFile.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("the leading dr server at http://127.0.0.1:" + env.config().api().port())
                .contains("refused").containsIgnoringCase("admin");
        assertThat(run.errIsOneCleanLine()).isTrue();
        assertThat(run.out() + run.err()).doesNotContain(VIEWER_TOKEN).doesNotContain(TestEnvironment.API_TOKEN);
        try (DrServices services = new DrServices(env.config())) {
            assertThat(services.activeRegions().fresh().region().value()).isEqualTo(EAST);
            assertThat(services.failovers().list(10)).isEmpty();
        }
        assertThat(Files.exists(routingFile)).isFalse();
    }

    @Test
    @Order(3)
    void shouldFailOverThroughTheLeaderWithTheAdminTokenFromTheEnvironment() throws Exception {
        Path output = env.dir().resolve("cli-failover.out");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")), DrMain.class.getName(),
                "--config", env.configFile().toString(), "failover", WEST, "--reason", "drill", "--yes"));
        builder.environment().put("DR_API_TOKEN", TestEnvironment.API_TOKEN);
        builder.redirectErrorStream(true).redirectOutput(output.toFile());
        Process cli = builder.start();
        assertThat(cli.waitFor(120, TimeUnit.SECONDS)).as("the CLI ended").isTrue();
        String printed = Files.readString(output);

        assertThat(cli.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Failover failover-").contains("us-east-1 -> us-west-2")
                .contains("[1/6] validate-target  done").contains("[2/6] stop-traffic").contains("[3/6] promote")
                .contains("[4/6] update-routing   done").contains("[5/6] verify").contains("[6/6] notify           done")
                .contains(" completed").doesNotContain(TestEnvironment.API_TOKEN);
        try (DrServices services = new DrServices(env.config())) {
            List<FailoverRecord> records = services.failovers().list(10);
            assertThat(records).hasSize(1);
            FailoverRecord record = records.get(0);
            assertThat(record.state()).as(Json.pretty(record)).isEqualTo(FailoverRecord.State.COMPLETED);
            assertThat(record.request().trigger()).isEqualTo(FailoverRequest.Trigger.MANUAL);
            assertThat(record.request().by()).as("the caller's token").isEqualTo("api");
            assertThat(record.controller()).as("run by the server, not the CLI").isEqualTo(
                    server.leadership().orElseThrow().path("instance").asText());
            assertThat(printed).contains(record.id());
            assertThat(services.activeRegions().fresh().region().value()).isEqualTo(WEST);
        }
        JsonNode routing = Json.MAPPER.readTree(Files.readAllBytes(routingFile));
        assertThat(routing.path("activeRegion").asText()).isEqualTo(WEST);
    }

    private CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = env.configFile().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }
}
