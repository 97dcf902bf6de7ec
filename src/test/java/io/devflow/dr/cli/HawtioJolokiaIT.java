package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Hawtio's Camel plugin does through Jolokia, done with a viewer's token against a running {@code dr server}
 * with real stores and replication: it searches the route MBeans and reads each route's id, description, exchange
 * count and state. The backup and replication routes are there with their descriptions, a real backup counts in
 * the backup routes, anything beyond reading is refused, and nothing is answered without a token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HawtioJolokiaIT {

    static final String VIEWER_TOKEN = "viewer-token-hawtio-0123456789abcdef0123456789";
    /** The query and attributes of Hawtio's Camel plugin (its route tree and routes table). */
    static final String ROUTES = "org.apache.camel:type=routes,*";
    static final List<String> ATTRIBUTES = List.of("RouteId", "Description", "ExchangesTotal", "State");

    TestEnvironment env;
    DrServices services;
    DrRuntime runtime;
    HttpClient http;
    String base;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path viewerToken = TestEnvironment.tokenFile(Files.createDirectories(dir.resolve("tokens")), VIEWER_TOKEN);
        env = TestEnvironment.start(dir, dr -> {
            ServerReplication.replication(dr, "last-write-wins");
            dr.with("api").putArray("tokens").addObject().put("name", "hawtio").put("role", "viewer")
                    .put("token", "${file:" + viewerToken + "}");
        }, EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 50).mapToObj(BsonSamples::everyType).toList());
        services = env.services();
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, ServerReplication.FAST);
        Leaders.awaitLeading(services);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        base = "http://127.0.0.1:" + services.config().api().port();
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        env.close();
    }

    @Test
    void shouldShowTheBackupAndReplicationRoutesWithDescriptionsAndCountARealBackup() throws Exception {
        Map<String, JsonNode> before = routes();

        assertThat(before).containsKeys("backup", "backup-run", "mongodb-backup", "replication-mongodb",
                "replication-round-mongodb", "replication-control", "replication-conflict");
        before.forEach((id, route) -> assertThat(route.path("Description").asText())
                .as("the description of route %s, as Hawtio shows it", id).isNotBlank().doesNotContain("{{"));
        assertThat(before.get("mongodb-backup").path("Description").asText())
                .isEqualTo("Backup pipeline of the store its id names: extract, frame, compress, encrypt, upload, verify, commit");
        assertThat(before.get("replication-mongodb").path("Description").asText())
                .isEqualTo("Replication worker of the store its id names: runs its rounds to every target region");
        assertThat(before.get("backup-run").path("State").asText()).isEqualTo("Started");

        String id = startBackup();
        Poll.until("backup " + id + " completed", Duration.ofSeconds(90), () -> "completed".equals(backupStatus(id)));
        Poll.until("the backup counted in backup-run and mongodb-backup", Duration.ofSeconds(30), () -> {
            Map<String, JsonNode> after = routes();
            return exchanges(after, "backup-run") > exchanges(before, "backup-run")
                    && exchanges(after, "mongodb-backup") > exchanges(before, "mongodb-backup");
        });
    }

    @Test
    void shouldRefuseTheViewerAnythingBeyondReading() throws Exception {
        String backupRun = routes().get("backup-run").path("mbean").asText();
        List<String> refused = List.of(
                "{\"type\":\"exec\",\"mbean\":" + Json.MAPPER.writeValueAsString(backupRun) + ",\"operation\":\"stop()\"}",
                "{\"type\":\"write\",\"mbean\":" + Json.MAPPER.writeValueAsString(backupRun)
                        + ",\"attribute\":\"Tracing\",\"value\":true}");

        // Jolokia answers a request in a POST body itself: HTTP 200, its own status 403 inside (what Hawtio reads)
        for (String request : refused) {
            HttpResponse<String> answer = jolokia(request, VIEWER_TOKEN);
            JsonNode body = Json.MAPPER.readTree(answer.body());
            assertThat(answer.statusCode()).as(request + ": " + answer.body()).isEqualTo(200);
            assertThat(body.path("status").asInt()).as(answer.body()).isEqualTo(403);
            assertThat(body.path("error").asText()).contains("forbidden");
            assertThat(body.has("value")).isFalse();
        }
        // in a URL, the server refuses it before Jolokia sees it
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/observe/jolokia/exec/"
                        + backupRun.replace("\"", "%22") + "/stop()")).header("Authorization", "Bearer " + VIEWER_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).as(get.body()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(get.body()).path("error").asText()).startsWith("Jolokia is read-only here");
        assertThat(routes().get("backup-run").path("State").asText()).isEqualTo("Started");
        JsonNode tracing = Json.MAPPER.readTree(jolokia("{\"type\":\"read\",\"mbean\":"
                + Json.MAPPER.writeValueAsString(backupRun) + ",\"attribute\":\"Tracing\"}", VIEWER_TOKEN).body());
        assertThat(tracing.path("status").asInt()).as(tracing.toString()).isEqualTo(200);
        assertThat(tracing.path("value").asBoolean()).as(tracing.toString()).isFalse();
    }

    @Test
    void shouldAnswerNoJolokiaRequestWithoutAToken() throws Exception {
        HttpResponse<String> anonymous = jolokia(search(), null);

        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(anonymous.body()).path("status").asInt()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("org.apache.camel");
    }

    @Test
    void shouldTakeTheViewerTokenAsTheBasicPasswordHawtiosConnectSends() throws Exception {
        HttpResponse<String> hawtio = jolokia(search(), null, "Basic " + basic("hawtio:" + VIEWER_TOKEN));
        HttpResponse<String> wrong = jolokia(search(), null, "Basic " + basic("hawtio:" + VIEWER_TOKEN + "x"));

        assertThat(hawtio.statusCode()).as(hawtio.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(hawtio.body()).path("value").toString()).contains("name=\\\"backup-run\\\"");
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("org.apache.camel");
    }

    /**
     * Hawtio itself, its standalone jar from Maven Central (io.hawt:hawtio-app:2.17.7, which the build copies to
     * {@code target/hawtio/} and names in {@code -Dhawtio.app.jar}): its console page loads, and its proxy, through
     * which its Connect tab reaches a remote Jolokia, brings back this server's routes with the viewer token as
     * password. Run outside Maven without the jar, the test is skipped; in CI it fails.
     */
    @Test
    void shouldBeReadByAStandaloneHawtioThroughItsProxy(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("hawtio.app.jar", System.getProperty("user.home")
                + "/.m2/repository/io/hawt/hawtio-app/2.17.7/hawtio-app-2.17.7.jar"));
        String missing = "no Hawtio standalone jar at " + jar + ": ./mvnw verify copies it there";
        assertThat(Files.isRegularFile(jar) || System.getenv("CI") == null).as(missing).isTrue();
        Assumptions.assumeTrue(Files.isRegularFile(jar), missing);
        int hawtioPort = TestEnvironment.freePort();
        Process hawtio = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--port", String.valueOf(hawtioPort))
                .redirectErrorStream(true).redirectOutput(dir.resolve("hawtio.log").toFile()).start();
        try {
            String console = "http://127.0.0.1:" + hawtioPort + "/hawtio/";
            Poll.until("Hawtio serves its console", Duration.ofSeconds(180), () -> statusOf(console) == 200);
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(console)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).containsIgnoringCase("hawtio");

            HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hawtioPort
                            + "/hawtio/proxy/http/127.0.0.1/" + services.config().api().port() + "/observe/jolokia/"))
                    .header("Authorization", "Basic " + basic("hawtio:" + VIEWER_TOKEN))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(search()))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(found.body()).path("value").toString())
                    .as(found.body()).contains("backup-run").contains("replication-mongodb");
        } finally {
            hawtio.destroy();
            if (!hawtio.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                hawtio.destroyForcibly();
            }
        }
    }

    private int statusOf(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Each route MBean's attributes by route id, as Hawtio reads them: a search, then a read of each name found. */
    private Map<String, JsonNode> routes() {
        try {
            return readRoutes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, JsonNode> readRoutes() throws Exception {
        HttpResponse<String> found = jolokia(search(), VIEWER_TOKEN);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        JsonNode names = Json.MAPPER.readTree(found.body()).path("value");
        assertThat(names.isArray() && !names.isEmpty()).as(found.body()).isTrue();
        StringBuilder bulk = new StringBuilder("[");
        for (JsonNode name : names) {
            bulk.append(bulk.length() > 1 ? "," : "").append("{\"type\":\"read\",\"mbean\":")
                    .append(Json.MAPPER.writeValueAsString(name.asText())).append(",\"attribute\":")
                    .append(Json.MAPPER.writeValueAsString(ATTRIBUTES)).append('}');
        }
        HttpResponse<String> read = jolokia(bulk.append(']').toString(), VIEWER_TOKEN);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        Map<String, JsonNode> routes = new LinkedHashMap<>();
        for (JsonNode answer : Json.MAPPER.readTree(read.body())) {
            assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
            ObjectNode value = (ObjectNode) answer.path("value");
            value.put("mbean", answer.path("request").path("mbean").asText());
            routes.put(value.path("RouteId").asText(), value);
        }
        return routes;
    }

    private static long exchanges(Map<String, JsonNode> routes, String id) {
        return routes.get(id).path("ExchangesTotal").asLong();
    }

    private static String search() {
        return "{\"type\":\"search\",\"mbean\":\"" + ROUTES + "\"}";
    }

    private String startBackup() throws Exception {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backups"))
                .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"full\",\"store\":\"mongodb\",\"region\":\"" + EAST + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return Json.MAPPER.readTree(accepted.body()).path("id").asText();
    }

    private String backupStatus(String id) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/backups/" + id))
                    .header("Authorization", "Bearer " + VIEWER_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(answer.body()).path("status").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> jolokia(String body, String token) throws Exception {
        return jolokia(body, token, null);
    }

    private HttpResponse<String> jolokia(String body, String token, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/observe/jolokia"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        } else if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String credentials) {
        return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
