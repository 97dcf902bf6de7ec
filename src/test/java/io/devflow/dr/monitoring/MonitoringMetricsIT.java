package io.devflow.dr.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and the alert rules of k8s/monitoring against what a running dr server exports (real MongoDB, Redis
 * and S3 in two regions): after backups, replication and a failover, every metric their PromQL names is among the
 * samples of GET /observe/metrics, and the samples say what happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringMetricsIT {

    static final Duration DEADLINE = Duration.ofSeconds(120);

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    TestEnvironment env;
    DrServices services;
    DrRuntime runtime;
    Map<String, Double> samples;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS),
                dr -> ServerReplication.replication(dr, "last-write-wins"), EAST, WEST);
        for (String region : List.of(EAST, WEST)) {
            env.client(region).getDatabase("devflow").getCollection("things")
                    .insertMany(IntStream.range(0, 20).mapToObj(BsonSamples::everyType).toList());
        }
        services = env.services();
        Map<String, String> overrides = new HashMap<>(ServerReplication.FAST);
        overrides.put("dr.objectives.refreshMs", "500");
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, overrides);
        Leaders.awaitLeading(services);
        for (String region : List.of(EAST, WEST)) {
            for (StoreKind store : List.of(StoreKind.MONGODB, StoreKind.REDIS)) {
                BackupRecord backup = runtime.producer().requestBody("direct:backup",
                        new BackupRequest(BackupType.FULL, store, RegionId.of(region), "cli"), BackupRecord.class);
                assertThat(backup.isCompleted()).as("backup of %s in %s: %s", store, region, backup.error()).isTrue();
            }
        }
        ServerReplication.awaitStreaming(services, DEADLINE);
        FailoverRecord failover = failOverTo(WEST);
        assertThat(failover.state()).as(Json.pretty(failover)).isEqualTo(FailoverRecord.State.COMPLETED);
        samples = scrape();
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        env.close();
    }

    @Test
    void shouldExportEveryMetricTheDashboardNames() {
        JsonNode dashboard = MonitoringFiles.dashboard();
        Set<String> named = new TreeSet<>(MonitoringFiles.variableMetrics(dashboard));
        MonitoringFiles.dashboardExpressions(dashboard).forEach(e -> named.addAll(MonitoringFiles.metricNames(e)));

        assertThat(named).hasSizeGreaterThan(20);
        assertThat(notExported(named)).as("metrics the dashboard names that the service does not export").isEmpty();
    }

    @Test
    void shouldExportEveryMetricTheAlertRulesName() {
        JsonNode rules = MonitoringFiles.rules();
        Set<String> named = new TreeSet<>();
        MonitoringFiles.ruleExpressions(rules).forEach(e -> named.addAll(MonitoringFiles.metricNames(e)));
        named.removeAll(MonitoringFiles.recordedNames(rules));

        assertThat(named).hasSizeGreaterThan(10);
        assertThat(notExported(named)).as("metrics the alert rules name that the service does not export").isEmpty();
    }

    @Test
    void shouldCountWhatHappenedUnderTheSeedsNames() {
        assertThat(samples).containsEntry("dr_backup_success_rate{store=\"mongodb\"}", 1.0)
                .containsEntry("dr_backup_total{region=\"us-east-1\",result=\"success\",store=\"redis\",type=\"full\"}", 1.0)
                .containsEntry("dr_backup_total{region=\"us-east-1\",result=\"failure\",store=\"redis\",type=\"full\"}", 0.0)
                .containsEntry("dr_failovers_total{outcome=\"completed\",trigger=\"manual\"}", 1.0)
                .containsEntry("dr_failover_duration_seconds_count{outcome=\"completed\",trigger=\"manual\"}", 1.0)
                .containsEntry("dr_failovers_total{outcome=\"failed\",trigger=\"automatic\"}", 0.0)
                .containsEntry("dr_active_region{region=\"us-west-2\"}", 1.0)
                .containsEntry("dr_active_region{region=\"us-east-1\"}", 0.0)
                .containsKey("dr_rpo_compliance{store=\"redis\"}")
                .containsKey("dr_rto_compliance{store=\"mongodb\"}")
                .containsKey("dr_drill_passed{type=\"failover\"}")
                .containsKey("dr_replication_conflicts_oldest_open_seconds");
        assertThat(samples.get("dr_failover_duration_seconds_sum{outcome=\"completed\",trigger=\"manual\"}")).isPositive();
        assertThat(samples).hasEntrySatisfying("dr_notifications_total{channel=\"audit\",outcome=\"sent\"}",
                sent -> assertThat(sent).isGreaterThanOrEqualTo(1.0));
        // each direction is in exactly one health state
        assertThat(samples.entrySet().stream().filter(e -> e.getKey().startsWith("dr_replication_health{"))
                .mapToDouble(Map.Entry::getValue).sum())
                .isEqualTo(samples.keySet().stream().filter(k -> k.startsWith("dr_replication_lag{")).count());
    }

    /** Fails over once a plan has no refusals left (replication streaming, its lag known). */
    private FailoverRecord failOverTo(String target) throws Exception {
        Poll.until("a failover plan without refusals", DEADLINE, () -> {
            JsonNode plan = post("/api/failovers", body(target, true));
            return plan != null && plan.path("refusals").isArray() && plan.path("refusals").isEmpty();
        });
        HttpResponse<String> started = call("POST", "/api/failovers", body(target, false));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = Json.MAPPER.readTree(started.body()).path("id").asText();
        Poll.until("failover " + id + " finished", DEADLINE, () -> services.failovers().get(id)
                .map(r -> r.state().finished()).orElse(false));
        return services.failovers().get(id).orElseThrow();
    }

    private static String body(String target, boolean dryRun) {
        return "{\"target\": \"" + target + "\", \"reason\": \"monitoring check\", \"dryRun\": " + dryRun + "}";
    }

    private JsonNode post(String path, String body) {
        try {
            HttpResponse<String> response = call("POST", path, body);
            return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** GET /observe/metrics: each sample (name and labels as served) with its value. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = call("GET", "/observe/metrics", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Double> parsed = new TreeMap<>();
        response.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            int space = line.lastIndexOf(' ');
            parsed.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        });
        return parsed;
    }

    private Set<String> notExported(Set<String> named) {
        Set<String> missing = new TreeSet<>(named);
        samples.keySet().stream().map(MonitoringMetricsIT::name).forEach(missing::remove);
        return missing;
    }

    private static String name(String sample) {
        int brace = sample.indexOf('{');
        return brace < 0 ? sample : sample.substring(0, brace);
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + services.config().api().port() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
