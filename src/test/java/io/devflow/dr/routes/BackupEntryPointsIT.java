package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.api.ApiJson;
import io.devflow.dr.api.BackupAccepted;
import io.devflow.dr.app.DrBeans;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The YAML routes as dr server runs them (camel-main, every route file), on real servers: the cron schedule
 * and the HTTP API both reach the same backup pipeline route and produce committed backups; the API answers
 * bad input with 4xx; health and metrics are served without a token.
 */
class BackupEntryPointsIT extends CamelMainTestSupport {

    static TestEnvironment env;
    static DrServices services;
    static Path properties;
    static int port;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void servers(@TempDir Path dir) throws IOException {
        // the capture worker is not what this test is about, and would keep a segment open across test methods
        env = TestEnvironment.start(dir, dr -> ((com.fasterxml.jackson.databind.node.ObjectNode) dr.get("backup"))
                .putObject("incremental").put("captureWorker", false), EAST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 100).mapToObj(BsonSamples::everyType).toList());
        services = env.services();
        port = services.config().api().port();
        Properties p = DrRuntime.properties(services.config(), DrRuntime.Mode.SERVER);
        p.setProperty("dr.schedule.full", "0/3 * * * * ?");
        properties = dir.resolve("test.properties");
        try (OutputStream out = Files.newOutputStream(properties)) {
            p.store(out, null);
        }
    }

    @AfterAll
    static void stopServers() {
        env.close();
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(DrRuntime.routesPattern("classpath:routes", DrRuntime.Mode.SERVER));
        configuration.withRoutesExcludePattern(DrRuntime.excludedRoutes(services.config(), DrRuntime.Mode.SERVER));
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:application.properties,file:" + properties;
    }

    /** The beans must be there before camel-main configures itself (its metrics look up our meter registry). */
    @Override
    protected Registry createCamelRegistry() {
        Registry registry = new DefaultRegistry();
        DrBeans.of(services, DrRuntime.Mode.SERVER).forEach(b -> registry.bind(b.name(), b.type(), b.supplier()));
        return registry;
    }

    /** The server takes changes once it has won the election (a lock file: the only instance wins at once). */
    @BeforeEach
    void awaitLeadership() throws InterruptedException {
        Leaders.awaitLeading(services);
    }

    @Test
    void shouldRunScheduledAndApiBackupsThroughTheSamePipeline() throws Exception {
        NotifyBuilder scheduled = new NotifyBuilder(context).fromRoute("backup-schedule-full").whenCompleted(1).create();
        NotifyBuilder pipeline = new NotifyBuilder(context).fromCurrentRoute("mongodb-backup").whenCompleted(2).create();

        // the 3-second schedule may be running a backup of the same store: the API then answers 409, so try again
        HttpResponse<String> accepted = call("POST", "/api/backups", "{\"type\":\"full\",\"store\":\"mongodb\"}", true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (accepted.statusCode() == 409 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            accepted = call("POST", "/api/backups", "{\"type\":\"full\",\"store\":\"mongodb\"}", true);
        }
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = Json.MAPPER.readTree(accepted.body()).path("id").asText();
        assertThat(id).startsWith("backup-full-");
        BackupAccepted answer = ApiJson.MAPPER.readValue(accepted.body(), BackupAccepted.class);
        assertThat(answer.self()).isEqualTo("/api/backups/" + id);
        assertThat(Json.MAPPER.readTree(accepted.body()).path("startedAt").asText()).isEqualTo(answer.startedAt().toString());

        assertThat(scheduled.matches(60, TimeUnit.SECONDS)).as("a scheduled backup ran").isTrue();
        assertThat(pipeline.matches(60, TimeUnit.SECONDS)).as("both went through mongodb-backup").isTrue();
        JsonNode apiBackup = awaitCompleted(id);
        assertThat(apiBackup.path("trigger").asText()).isEqualTo("api");
        assertThat(apiBackup.path("verification").asText()).isEqualTo("full: passed");

        JsonNode all = Json.MAPPER.readTree(call("GET", "/api/backups", null, true).body());
        assertThat(all.path("backups").findValuesAsText("trigger")).contains("api", "schedule");
        for (JsonNode backup : all.path("backups")) {
            if (backup.path("status").asText().equals("completed")) {
                assertThat(backup.path("items").asLong()).isEqualTo(100);
            }
        }
    }

    @Test
    void shouldAnswerBadRequestsWithFourHundreds() throws Exception {
        assertStatus(call("POST", "/api/backups", "{\"type\":\"full\"}", false), 401, "Authorization: Bearer");
        assertStatus(callWithToken("POST", "/api/backups", "{\"type\":\"full\"}", "wrong"), 401, "invalid bearer token");
        assertStatus(call("POST", "/api/backups", "{not json", true), 400, "not valid JSON");
        assertStatus(call("POST", "/api/backups", "{\"type\":\"full\",\"colour\":\"red\"}", true), 400, "unknown field(s) colour");
        assertStatus(call("POST", "/api/backups", "{\"type\":\"hourly\"}", true), 400, "type must be full or incremental");
        assertStatus(call("POST", "/api/backups", "{\"type\":\"full\",\"store\":\"db2\"}", true), 400, "store must be one of");
        assertStatus(call("POST", "/api/backups", "{\"type\":\"full\",\"region\":\"moon-1\"}", true), 400, "unknown region 'moon-1'");
        assertStatus(call("POST", "/api/backups", "[]", true), 400, "must be a JSON object");
        assertStatus(call("GET", "/api/backups/nonsense", null, true), 400, "is not a backup id");
        assertStatus(call("GET", "/api/backups/backup-full-20200101-000000-aaaaaa", null, true), 404, "no backup");
        assertStatus(call("GET", "/api/backups?store=oracle", null, true), 400, "store must be one of");
    }

    @Test
    void shouldServeHealthMetricsAndTheOpenApiDocument() throws Exception {
        HttpResponse<String> health = call("GET", "/observe/health", null, false);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(health.body()).path("status").asText()).isEqualTo("UP");

        HttpResponse<String> openapi = call("GET", "/api/openapi.json", null, false);
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).contains("/api/backups");

        // The backup metrics appear once a backup has been counted (the 3-second schedule runs them). A scrape
        // taken while the first backup registers its meters may show some of them only, so wait for all.
        List<String> expected = List.of("dr_backup_success_rate{store=\"mongodb\"}", "dr_backup_total{",
                "dr_backup_duration_seconds_count{", "dr_backup_size_bytes_count{");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> metrics = call("GET", "/observe/metrics", null, false);
        while (!expected.stream().allMatch(metrics.body()::contains) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            metrics = call("GET", "/observe/metrics", null, false);
        }
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains(expected);
    }

    private JsonNode awaitCompleted(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = call("GET", "/api/backups/" + id, null, true);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode backup = Json.MAPPER.readTree(r.body());
            if (!backup.path("status").asText().equals("running")) {
                assertThat(backup.path("status").asText()).as(r.body()).isEqualTo("completed");
                return backup;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("backup " + id + " did not finish within 60 s");
    }

    private static void assertStatus(HttpResponse<String> response, int status, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asText()).contains(message);
    }

    private static HttpResponse<String> call(String method, String path, String body, boolean authorized) throws Exception {
        return callWithToken(method, path, body, authorized ? TestEnvironment.API_TOKEN : null);
    }

    private static HttpResponse<String> callWithToken(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
