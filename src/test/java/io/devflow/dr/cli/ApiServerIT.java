package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestCertificates;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * dr server's HTTP side as it runs: HTTPS with the PEM certificate and key of api.tls (a real TLS client that trusts
 * only the test certificate), the refusal of an unencrypted listener beyond loopback, and Jolokia behind the token.
 */
class ApiServerIT {

    @TempDir
    Path dir;
    TestEnvironment env;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, dr -> dr.with("backup").with("incremental").put("captureWorker", false), EAST);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldServeTheApiOverTlsWithThePemCertificate() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        ((ObjectNode) env.drConfig().get("api")).putObject("tls").put("certificate", certificates.certificate().toString())
                .put("key", "${file:" + certificates.key() + "}");
        env.writeConfig();
        int port = env.config().api().port();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(certificates.trustStore());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();

        try (DrServices services = env.services(); DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of())) {
            HttpResponse<String> backups = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/backups"))
                    .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(backups.statusCode()).as(backups.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(backups.body()).path("backups").isArray()).isTrue();

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/observe/health"))
                    .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutTls() {
        ((ObjectNode) env.drConfig().get("api")).put("host", "0.0.0.0");
        env.writeConfig();

        CliRun server = CliRun.of("--config", env.configFile().toString(), "server");
        CliRun validate = CliRun.of("--config", env.configFile().toString(), "config", "validate");

        for (CliRun run : new CliRun[] {server, validate}) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).contains("disasterRecovery.api.tls: required when the API listens on 0.0.0.0");
        }
    }

    @Test
    void shouldSayThatTheSingleTokenIsTheAdminTokenNamedApi() {
        CliRun validate = CliRun.of("--config", env.configFile().toString(), "config", "validate");

        assertThat(validate.exitCode()).as(validate.toString()).isEqualTo(ExitCode.OK);
        assertThat(validate.out()).contains("api: http://127.0.0.1:" + env.config().api().port()
                + " (this machine only), tokens api (admin)")
                .contains("note: api.token is accepted as the admin token named 'api'");
    }

    @Test
    void shouldServeJolokiaOnlyWithATokenAddressedToThisServerAndWithoutTheJvmsSettings() throws Exception {
        int port = env.config().api().port();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String runtime = "http://127.0.0.1:" + port + "/observe/jolokia/read/java.lang:type=Runtime";
        try (DrServices services = env.services(); DrRuntime started = DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of())) {
            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(runtime)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
            assertThat(Json.MAPPER.readTree(anonymous.body()).path("status").asInt()).isEqualTo(401);

            JsonNode uptime = Json.MAPPER.readTree(client.send(HttpRequest.newBuilder(URI.create(runtime + "/Uptime"))
                    .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(uptime.path("status").asInt()).as(uptime.toString()).isEqualTo(200);
            assertThat(uptime.path("value").asLong()).isPositive();

            for (String attribute : new String[] {"InputArguments", "SystemProperties"}) {
                JsonNode denied = Json.MAPPER.readTree(client.send(HttpRequest.newBuilder(URI.create(runtime + "/" + attribute))
                        .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertThat(denied.path("status").asInt()).as(denied.toString()).isEqualTo(403);
                assertThat(denied.has("value")).isFalse();
            }
            JsonNode all = Json.MAPPER.readTree(client.send(HttpRequest.newBuilder(URI.create(runtime))
                    .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
            // a read of every attribute is refused whole rather than leaking the denied ones
            assertThat(all.toString()).doesNotContain("java.home");
            assertThat(all.path("value").has("SystemProperties")).isFalse();
            assertThat(all.path("value").has("InputArguments")).isFalse();

            // a browser tricked by DNS rebinding sends the attacker's name as Host
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /observe/jolokia/read/java.lang:type=Runtime/Uptime HTTP/1.1\r\n"
                        + "Host: attacker.example:" + port + "\r\nAuthorization: Bearer " + TestEnvironment.API_TOKEN
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 403");
                assertThat(Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("error").asText())
                        .contains("attacker.example");
            }
        }
    }

    @Test
    void shouldAnswerAJolokiaRequestItCannotReadWithA400AsJsonAndServeTheOnesItCan() throws Exception {
        int port = env.config().api().port();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String jolokia = "http://127.0.0.1:" + port + "/observe/jolokia";
        try (DrServices services = env.services(); DrRuntime started = DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of())) {
            for (HttpRequest unreadable : List.of(
                    post(jolokia + "/write/x", "{\"store\":[\"mongodb\"]}"),
                    post(jolokia, "{\"type\":\"read\",\"mbean\":5}"),
                    post(jolokia, "not json"),
                    get(jolokia + "/read/no-mbean-name"))) {
                HttpResponse<String> answer = client.send(unreadable, HttpResponse.BodyHandlers.ofString());

                assertThat(answer.statusCode()).as(unreadable + ": " + answer.body()).isEqualTo(400);
                JsonNode error = Json.MAPPER.readTree(answer.body());
                assertThat(error.path("status").asInt()).isEqualTo(400);
                assertThat(error.path("error").asText()).startsWith("not a request Jolokia can read")
                        .doesNotContain("java.", "Exception");
            }

            JsonNode uptime = Json.MAPPER.readTree(client.send(post(jolokia, "{\"type\":\"read\","
                    + "\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}"), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(uptime.path("status").asInt()).as(uptime.toString()).isEqualTo(200);
            assertThat(uptime.path("value").asLong()).isPositive();
            JsonNode bulk = Json.MAPPER.readTree(client.send(post(jolokia, "[{\"type\":\"version\"},{\"type\":\"read\","
                    + "\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}]"),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(bulk.path(0).path("status").asInt()).as(bulk.toString()).isEqualTo(200);
            assertThat(bulk.path(1).path("status").asInt()).as(bulk.toString()).isEqualTo(403);
        }
    }

    @Test
    void shouldRefuseJolokiaCommandsBeyondReadingWithTheApisError() throws Exception {
        int port = env.config().api().port();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String jolokia = "http://127.0.0.1:" + port + "/observe/jolokia";
        try (DrServices services = env.services(); DrRuntime started = DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of())) {
            for (String target : List.of("/exec/java.lang:type=Memory/gc", "/write/x", "/?p=/exec/java.lang:type=Memory/gc")) {
                HttpResponse<String> answer = client.send(get(jolokia + target), HttpResponse.BodyHandlers.ofString());

                assertThat(answer.statusCode()).as(target + ": " + answer.body()).isEqualTo(403);
                assertThat(Json.MAPPER.readTree(answer.body()).path("error").asText())
                        .startsWith("Jolokia is read-only here: read, list, search and version, not ");
            }
        }
    }

    private static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TestEnvironment.API_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TestEnvironment.API_TOKEN).build();
    }
}
