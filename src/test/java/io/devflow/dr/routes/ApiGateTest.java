package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.retention.RetentionAudit;
import io.devflow.dr.api.ApiErrors;
import io.devflow.dr.api.ApiJson;
import io.devflow.dr.api.TestsApi;
import io.devflow.dr.drill.Drill;
import io.devflow.dr.drill.DrillOutcome;
import io.devflow.dr.drill.DrillRecords;
import io.devflow.dr.drill.DrillSuite;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.api.ApiSecurity;
import io.devflow.dr.api.AuditApi;
import io.devflow.dr.api.VerifyApi;
import io.devflow.dr.api.BackupApi;
import io.devflow.dr.api.FailoverApi;
import io.devflow.dr.api.OperationsApi;
import io.devflow.dr.api.ReplicationApi;
import io.devflow.dr.app.ApiGate;
import io.devflow.dr.app.ApiHeaderFilter;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.config.ApiRole;
import io.devflow.dr.config.ApiToken;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.Secret;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.metrics.ReplicationMetrics;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.TestFailovers;
import io.devflow.dr.testing.MutableClock;
import io.devflow.dr.testing.TestConfigs;
import io.devflow.dr.testing.TestEnvironment;
import io.devflow.dr.testing.TestKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.LifecycleStrategy;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the HTTP server answers before (or instead of) an API route, over real HTTP: the token and its role are
 * checked before the body is read, and every error, whoever raises it (a route, the gate, the router), is the API's
 * JSON body. Also the OpenAPI document, validated with swagger-parser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiGateTest extends CamelMainTestSupport {

    private static final String ADMIN = "admin-token-0123456789abcdef0123456789";
    private static final String OPERATOR = "operator-token-0123456789abcdef012345";
    private static final String VIEWER = "viewer-token-0123456789abcdef01234567";
    private static final int PORT = TestEnvironment.freePort();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MemoryStateStore state = new MemoryStateStore();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-27T10:30:00Z"));
    private static final DrConfig config = manualReplication();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("classpath:routes/_shared/api-errors.camel.yaml,classpath:routes/api/*.camel.yaml");
        configuration.httpServer().withEnabled(true).withHost("127.0.0.1").withPort(PORT);
        configuration.rest().withApiContextPath("/api/openapi.json");
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:application.properties";
    }

    /** The OpenAPI settings dr server derives from the api block (its server URL). */
    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties server = DrRuntime.properties(config, DrRuntime.Mode.SERVER);
        Properties openApi = new Properties();
        server.stringPropertyNames().stream().filter(k -> k.startsWith("camel.rest.apiProperties"))
                .forEach(k -> openApi.setProperty(k, server.getProperty(k)));
        return openApi;
    }

    @BeforeEach
    void forgetTheControlState() {
        state.paths().forEach(state::delete);
    }

    @Override
    protected Registry createCamelRegistry() {
        AuditLog audit = new AuditLog(state, clock);
        ReplicationService replication = new ReplicationService(config.replication().orElseThrow(),
                new EnumMap<>(StoreKind.class), new ConflictStore(state, TestKeys.conflictCipher()), state, audit,
                new ReplicationMetrics(new SimpleMeterRegistry()), new ProgressBoard(clock), config.replication().orElseThrow()::source, clock);
        ReplicationControl control = new ReplicationControl(config.replication().orElseThrow(), state, audit, clock);
        ApiSecurity security = new ApiSecurity(List.of(token("oncall", ApiRole.ADMIN, ADMIN),
                token("ci", ApiRole.OPERATOR, OPERATOR), token("grafana", ApiRole.VIEWER, VIEWER)));
        Registry registry = new DefaultRegistry();
        registry.bind("apiSecurity", security);
        registry.bind("apiErrors", new ApiErrors());
        registry.bind("leadership", Leaders.elected());
        // as if jolokia-access.xml were missing: Jolokia would then allow everything, so the gate refuses it
        registry.bind("apiGate", LifecycleStrategy.class, new ApiGate(security, new ApiErrors(), config.api(),
                "no-such-jolokia-access.xml"));
        registry.bind("apiJson", ObjectMapper.class, ApiJson.MAPPER);
        registry.bind("apiHeaders", HeaderFilterStrategy.class, new ApiHeaderFilter());
        registry.bind("backupApi", new BackupApi(config, null, null, null, () -> config.primaryRegion().id()));
        registry.bind("operationsApi", new OperationsApi(new RetentionAudit(audit)));
        registry.bind("auditApi", new AuditApi(audit));
        registry.bind("verifyApi", new VerifyApi(null, audit, clock));
        registry.bind("failoverApi", new FailoverApi(config, TestFailovers.service(config, state,
                TestFailovers.evidence(config, state, clock), new SimpleMeterRegistry(), clock)));
        registry.bind("replicationApi", new ReplicationApi(Optional.of(replication), Optional.of(control), null));
        DrillRecords drills = new DrillRecords(state);
        registry.bind("testsApi", new TestsApi(new DrillSuite(List.of(new Drill() {
            @Override
            public DrillType type() {
                return DrillType.BACKUP;
            }

            @Override
            public void run(String id, DrillOutcome outcome) {
                outcome.store("mongodb", true, 0, "scripted");
            }
        }), drills, audit, m -> { }, clock), drills));
        return registry;
    }

    @Test
    void shouldAnswerPathsAndMethodsNoOperationServesAsJson() throws Exception {
        assertError(call("GET", "/api/nothing-here", null, null, ADMIN), 404, "no such resource: /api/nothing-here");
        assertError(call("GET", "/nowhere", null, null, null), 404, "no such resource: GET /nowhere");
        HttpResponse<String> wrongMethod = call("DELETE", "/api/conflicts", null, null, ADMIN);
        assertError(wrongMethod, 405, "DELETE is not allowed on /api/conflicts; use GET");
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
        assertError(call("PUT", "/api/replication/stop", "{}", "application/json", ADMIN), 405, "PUT is not allowed");
    }

    @Test
    void shouldRefuseWithoutReadingABodyFromACallerWithoutAValidToken() throws Exception {
        byte[] large = new byte[2 * 1024 * 1024];
        HttpResponse<String> unauthorized = http.send(request("POST", "/api/backups", null, "wrong")
                .POST(HttpRequest.BodyPublishers.ofByteArray(large)).build(), HttpResponse.BodyHandlers.ofString());
        assertError(unauthorized, 401, "invalid bearer token");
        assertThat(unauthorized.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertError(call("POST", "/api/replication/stop", "{not json", "text/plain", null), 401, "missing credentials");
        assertThat(state.read("replication/desired")).isEmpty();
    }

    @Test
    void shouldRefuseBodiesOverOneMebibyteAndBodiesThatAreNotJson() throws Exception {
        String large = "{\"store\": \"" + "x".repeat(1024 * 1024) + "\"}";
        assertError(call("POST", "/api/replication/stop", large, "application/json", ADMIN), 413,
                "the request body is larger than 1024 KiB");
        InputStream chunked = new ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> streamed = http.send(request("POST", "/api/replication/stop", "application/json", ADMIN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> chunked)).build(), HttpResponse.BodyHandlers.ofString());
        assertError(streamed, 413, "the request body is larger than 1024 KiB");
        assertError(call("POST", "/api/replication/stop", "store=mongodb", "application/x-www-form-urlencoded", ADMIN),
                415, "the request body must be JSON: send it with 'Content-Type: application/json', not "
                        + "'application/x-www-form-urlencoded'");
        assertError(call("POST", "/api/replication/stop", "--x\r\n\r\n--x--", "multipart/form-data; boundary=x", ADMIN),
                415, "the request body must be JSON");
        assertThat(state.read("replication/desired")).isEmpty();

        HttpResponse<String> empty = call("POST", "/api/replication/stop", null, "text/plain", ADMIN);
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAMalformedRequestAsJson() throws Exception {
        for (String target : List.of("/api/conflicts/%zz", "/api/%", "/%")) {
            try (Socket socket = new Socket("127.0.0.1", PORT)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                assertThat(answer).as(target).containsIgnoringCase("content-type: application/json");
                JsonNode error = Json.MAPPER.readTree(body);
                assertThat(error.path("status").asInt()).as(answer).isBetween(400, 404);
                assertThat(error.path("error").asText()).as(answer).isNotBlank();
            }
        }
    }

    @Test
    void shouldRefuseAQueryStringThatCannotBeDecodedWithTheApisError() throws Exception {
        for (String target : List.of("/api/conflicts?status=%zz", "/api/openapi.json?a=%", "/nowhere?%zz")) {
            String answer = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + VIEWER
                    + "\r\nConnection: close\r\n\r\n");

            assertThat(answer).as(target).startsWith("HTTP/1.1 400");
            assertThat(Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("error").asText())
                    .as(answer).startsWith("malformed query string: ");
        }
    }

    @Test
    void shouldRefuseAFormBodyOutsideTheApiWithTheApisError() throws Exception {
        HttpResponse<String> form = http.send(request("GET", "/api/openapi.json", "application/x-www-form-urlencoded", null)
                .method("GET", HttpRequest.BodyPublishers.ofString("a=1")).build(), HttpResponse.BodyHandlers.ofString());

        assertError(form, 415, "the request body must be JSON");
    }

    @Test
    void shouldRefuseTwoAuthorizationHeadersRatherThanPickOne() throws Exception {
        HttpResponse<String> twice = http.send(request("GET", "/api/conflicts", null, VIEWER)
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());

        assertError(twice, 401, "the request has 2 Authorization headers; send one");
    }

    @Test
    void shouldNotEchoQueryParametersAsHeadersOfTheAnswer() throws Exception {
        String answer = raw("GET /api/conflicts?echo=injected&%00=nul&=empty HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + VIEWER + "\r\nConnection: close\r\n\r\n");

        assertThat(answer).as(answer).startsWith("HTTP/1.1 200");
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertThat(head).doesNotContain("echo:", "injected", "nul", "empty");
    }

    /** A request written as it goes on the wire, and the answer as it comes back. */
    private static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldLetEachRoleCallOnlyWhatItMayAndAuditUnderTheTokensName() throws Exception {
        assertThat(call("GET", "/api/conflicts", null, null, VIEWER).statusCode()).isEqualTo(200);
        assertError(call("POST", "/api/replication/stop", null, null, VIEWER), 403,
                "the token 'grafana' has the role viewer; this call needs operator or above");
        assertThat(state.read("replication/desired")).isEmpty();

        HttpResponse<String> stopped = call("POST", "/api/replication/stop", "{\"store\": \"mongodb\"}", "application/json", OPERATOR);

        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        assertThat(state.read("replication/desired").orElseThrow().content().at("/stores/mongodb/changedBy").asText())
                .isEqualTo("ci");
        List<String> audit = state.paths().stream().filter(p -> p.startsWith("audit/chain/")).toList();
        assertThat(audit).singleElement().satisfies(p ->
                assertThat(state.read(p).orElseThrow().content().path("by").asText()).isEqualTo("ci"));
    }

    @Test
    void shouldLetAnOperatorStartDrillsAndAnyRoleReadThem() throws Exception {
        assertError(call("POST", "/api/tests", "{\"type\": \"backup\"}", "application/json", VIEWER), 403,
                "the token 'grafana' has the role viewer; this call needs operator or above");
        assertThat(state.paths()).noneMatch(p -> p.startsWith("drills/"));

        HttpResponse<String> started = call("POST", "/api/tests", "{\"type\": \"backup\"}", "application/json", OPERATOR);

        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode accepted = Json.MAPPER.readTree(started.body());
        String id = accepted.path("tests").path(0).path("id").asText();
        assertThat(accepted.path("tests").path(0).path("self").asText()).isEqualTo("/api/tests/" + id);
        HttpResponse<String> read = call("GET", "/api/tests/" + id, null, null, VIEWER);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(read.body()).path("by").asText()).isEqualTo("ci");
    }

    @Test
    void shouldLetOnlyAnAdminAskForAFailoverAndAnyRoleReadThem() throws Exception {
        String body = "{\"target\": \"us-west-2\", \"reason\": \"drill\", \"dryRun\": true}";
        assertError(call("POST", "/api/failovers", body, "application/json", VIEWER), 403,
                "the token 'grafana' has the role viewer; this call needs admin or above");
        assertError(call("POST", "/api/failovers", body, "application/json", OPERATOR), 403,
                "the token 'ci' has the role operator; this call needs admin or above");
        assertThat(state.paths()).noneMatch(p -> p.startsWith("failovers/"));

        HttpResponse<String> plan = call("POST", "/api/failovers", body, "application/json", ADMIN);

        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        JsonNode planned = Json.MAPPER.readTree(plan.body());
        assertThat(planned.path("source").asText()).isEqualTo("us-east-1");
        assertThat(planned.path("target").asText()).isEqualTo("us-west-2");
        assertThat(planned.path("steps")).hasSize(6);
        HttpResponse<String> list = call("GET", "/api/failovers", null, null, VIEWER);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(list.body()).path("failovers")).isEmpty();
        assertError(call("GET", "/api/failovers/failover-20260127-103000-abcd", null, null, VIEWER), 404,
                "no failover failover-20260127-103000-abcd");
    }

    @Test
    void shouldRefuseJolokiaWhenItsAccessPolicyIsMissing() throws Exception {
        assertError(call("GET", "/observe/jolokia/read/java.lang:type=Runtime/InputArguments", null, null, ADMIN), 503,
                "Jolokia is off: its access policy no-such-jolokia-access.xml is missing from the class path");
    }

    @Test
    void shouldServeAnOpenApiDocumentThatValidates() throws Exception {
        HttpResponse<String> document = call("GET", "/api/openapi.json", null, null, null);
        assertThat(document.statusCode()).isEqualTo(200);

        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document.body(), null, null);

        assertThat(parsed.getMessages()).as(document.body()).isEmpty();
        OpenAPI api = parsed.getOpenAPI();
        assertThat(api.getServers()).isNotEmpty().allSatisfy(s -> assertThat(s.getUrl()).doesNotContain("0.0.0.0"));
        assertThat(api.getComponents().getSecuritySchemes().get("bearer").getScheme()).isEqualTo("bearer");
        Operation create = api.getPaths().get("/api/backups").getPost();
        assertThat(create.getResponses()).containsKeys("202", "400", "401", "403", "409").doesNotContainKey("200");
        assertThat(create.getResponses().get("202").getContent().get("application/json").getSchema().get$ref())
                .endsWith("BackupAccepted");
        assertThat(create.getSecurity()).singleElement().satisfies(s -> assertThat(s.get("bearer")).containsExactly("operator"));
        assertThat(create.getSummary()).contains("operator role");
        Operation retention = api.getPaths().get("/api/retention").getPost();
        assertThat(retention.getRequestBody().getRequired()).isNotEqualTo(Boolean.TRUE);
        assertThat(retention.getSecurity()).singleElement().satisfies(s -> assertThat(s.get("bearer")).containsExactly("operator"));
        Operation failover = api.getPaths().get("/api/failovers").getPost();
        assertThat(failover.getResponses()).containsKeys("200", "202", "400", "403", "409", "422");
        assertThat(failover.getSecurity()).singleElement().satisfies(s -> assertThat(s.get("bearer")).containsExactly("admin"));
        api.getPaths().values().forEach(path -> path.readOperations().forEach(op -> op.getResponses().values()
                .forEach(r -> assertThat(r.getDescription()).as(op.getOperationId()).isNotBlank())));
    }

    private static ApiToken token(String name, ApiRole role, String value) {
        return new ApiToken(name, role, Secret.literal("disasterRecovery.api.tokens." + name, value));
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asText()).startsWith(message);
    }

    private HttpRequest.Builder request(String method, String path, String contentType, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                .timeout(Duration.ofSeconds(30));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private HttpResponse<String> call(String method, String path, String body, String contentType, String token)
            throws Exception {
        return http.send(request(method, path, contentType, token).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static DrConfig manualReplication() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("replication").put("conflictResolution", "manual");
        at(root, "/disasterRecovery").putObject("api").put("port", PORT);
        return TestConfigs.load(root);
    }
}
