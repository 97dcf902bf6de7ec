package io.devflow.dr.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerProcess;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code dr server} processes as the Deployment of k8s/dr-server.yaml runs them, with the CronJobs as the runner of
 * the schedules (electing through a shared lock directory instead of a Lease, on real MongoDB and S3): the paths the
 * Deployment probes answer 200 UP on the leader and on the standby, and the leader starts none of its schedule routes.
 */
class DeploymentProbesIT {

    static final String LIVE = "/observe/health/live";
    static final String READY = "/observe/health/ready";
    private static final Duration LONG = Duration.ofSeconds(120);
    /** Every route of the server's *-schedule.camel.yaml files. */
    private static final List<String> SCHEDULE_ROUTES = List.of("backup-schedule-full", "backup-schedule-incremental",
            "retention-schedule", "dr-test-schedule-full", "dr-test-schedule-restore");

    @TempDir
    Path dir;
    TestEnvironment env;
    final List<ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ServerProcess server : servers) {
            server.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void shouldAnswerTheProbesOnLeaderAndStandbyAndLeaveTheSchedulesToTheCronJobs() throws Exception {
        env = TestEnvironment.start(dir, dr -> {
            // every schedule would fire every two seconds if the server ran them
            dr.with("backup").putObject("schedule").put("runner", "cronjobs")
                    .put("full", "0/2 * * * * ?").put("incremental", "0/2 * * * * ?").put("retention", "0/2 * * * * ?");
            dr.with("backup").putObject("incremental").put("captureWorker", false);
            dr.with("recovery").with("drills").putObject("schedule").put("fullTest", "0/2 * * * * ?")
                    .put("restoreDrill", "0/2 * * * * ?");
        }, EAST);
        Container container = Manifests.load().one(Deployment.class, "devflow-dr").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        List<String> probed = List.of(container.getStartupProbe().getHttpGet().getPath(),
                container.getLivenessProbe().getHttpGet().getPath(), container.getReadinessProbe().getHttpGet().getPath());
        assertThat(probed).containsExactly(LIVE, LIVE, READY);

        ServerProcess a = server("node-a");
        Poll.until("node-a leads", LONG, a::leads);
        ServerProcess b = server("node-b");
        Poll.until("node-b runs as a standby of node-a", LONG, () -> b.leadership()
                .filter(l -> "standby".equals(l.path("role").asText()) && "node-a".equals(l.path("leader").asText()))
                .isPresent());

        for (ServerProcess server : List.of(a, b)) {
            for (String path : probed) {
                HttpResponse<String> answer = server.call("GET", path, null);
                assertThat(answer.statusCode()).as(server + " " + path + ": " + answer.body()).isEqualTo(200);
                assertThat(Json.MAPPER.readTree(answer.body()).path("status").asText()).isEqualTo("UP");
            }
        }

        List<String> routes = routes(a);
        assertThat(routes).as("the pipelines run on the leader").contains("backup", "backup-run", "retention");
        assertThat(routes).as("the CronJobs run the schedules").doesNotContainAnyElementsOf(SCHEDULE_ROUTES);
        assertThat(a.counter("dr_backup_total")).contains(0.0);

        CliRun validate = CliRun.of("--config", env.configFile().toString(), "config", "validate");
        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        assertThat(validate.out()).contains("schedules: runner cronjobs");
        JsonNode json = Json.MAPPER.readTree(CliRun.of("--config", env.configFile().toString(), "config", "validate",
                "--output", "json").out());
        assertThat(json.path("schedules").path("runner").asText()).isEqualTo("cronjobs");
    }

    /** The ids of the routes the server runs, from its JMX beans through Jolokia. */
    private static List<String> routes(ServerProcess server) throws Exception {
        HttpResponse<String> search = server.call("GET", "/observe/jolokia/search/org.apache.camel:type=routes,*", null);
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode name : Json.MAPPER.readTree(search.body()).path("value")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"?([^\",]+)\"?").matcher(name.asText());
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        assertThat(ids).as(search.body()).isNotEmpty();
        return ids;
    }

    private ServerProcess server(String name) throws Exception {
        ObjectNode config = env.drConfig().deepCopy();
        int port = TestEnvironment.freePort();
        ((ObjectNode) config.get("api")).put("port", port);
        config.putObject("cluster").put("instanceId", name).putObject("file")
                .put("directory", dir.resolve("cluster").toString());
        Path file = dir.resolve(name).resolve("dr-config.json");
        Files.createDirectories(file.getParent());
        Files.write(file, Json.bytes(Map.of("disasterRecovery", config)));
        ServerProcess server = ServerProcess.start(name, file, port);
        servers.add(server);
        return server;
    }
}
