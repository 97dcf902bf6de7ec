package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.retention.RetentionAudit;
import io.devflow.dr.api.ApiErrors;
import io.devflow.dr.api.ApiJson;
import io.devflow.dr.api.TestList;
import io.devflow.dr.api.TestsApi;
import io.devflow.dr.drill.DrillRecords;
import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillSuite;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.api.AuditList;
import io.devflow.dr.api.Caller;
import io.devflow.dr.api.LagHistoryList;
import io.devflow.dr.control.AuditEntry;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.api.ApiSecurity;
import io.devflow.dr.api.AuditApi;
import io.devflow.dr.api.VerifyApi;
import io.devflow.dr.api.BackupApi;
import io.devflow.dr.api.FailoverApi;
import io.devflow.dr.api.ConflictList;
import io.devflow.dr.api.OperationsApi;
import io.devflow.dr.api.ReplicationApi;
import io.devflow.dr.app.ApiGate;
import io.devflow.dr.app.ApiHeaderFilter;
import io.devflow.dr.config.ApiRole;
import io.devflow.dr.config.ApiToken;
import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.Secret;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;
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
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.LifecycleStrategy;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API routes on the HTTP server as dr server runs them (application.properties, the shared API route
 * configuration), over control state kept in memory: the REST binding reads request bodies into their types and
 * writes answers from theirs, and whatever it cannot read is a JSON error naming the problem, after the token.
 * One server for the class; each test starts from empty control state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiBindingTest extends CamelMainTestSupport {

    private static final String TOKEN = "api-binding-test-token";
    private static final String VIEWER = "api-binding-test-viewer-token";
    private static final Instant NOW = Instant.parse("2026-01-27T10:30:00Z");

    private static final int PORT = TestEnvironment.freePort();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MemoryStateStore state = new MemoryStateStore();
    private final MutableClock clock = new MutableClock(NOW);
    private final DrConfig config = manualReplication();
    private final ConflictStore conflicts = new ConflictStore(state, TestKeys.conflictCipher());

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

    @BeforeEach
    void forgetTheControlState() {
        state.paths().forEach(state::delete);
    }

    /** The beans the API routes call, as DrBeans binds them for dr server. */
    @Override
    protected Registry createCamelRegistry() {
        AuditLog audit = new AuditLog(state, clock);
        ReplicationService replication = new ReplicationService(config.replication().orElseThrow(),
                new EnumMap<>(StoreKind.class), conflicts, state, audit, new ReplicationMetrics(new SimpleMeterRegistry()),
                new ProgressBoard(clock), config.replication().orElseThrow()::source, clock);
        ReplicationControl control = new ReplicationControl(config.replication().orElseThrow(), state, audit, clock);
        Registry registry = new DefaultRegistry();
        ApiSecurity security = new ApiSecurity(List.of(new ApiToken("api", ApiRole.ADMIN,
                Secret.literal("disasterRecovery.api.token", TOKEN)), new ApiToken("grafana", ApiRole.VIEWER,
                Secret.literal("disasterRecovery.api.tokens.grafana", VIEWER))));
        registry.bind("apiSecurity", security);
        registry.bind("apiErrors", new ApiErrors());
        registry.bind("apiGate", LifecycleStrategy.class, new ApiGate(security, new ApiErrors(), config.api()));
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
        registry.bind("testsApi", new TestsApi(new DrillSuite(List.of(), drills, audit, m -> { }, clock), drills));
        registry.bind("leadership", Leaders.elected());
        return registry;
    }

    @Test
    void shouldStopEveryReplicatedStoreWhenThePostHasNoBody() throws Exception {
        for (String body : new String[] {null, "", " \n "}) {
            HttpResponse<String> answer = call("POST", "/api/replication/stop", body, null, TOKEN);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(answer.body()))
                    .isEqualTo(Json.MAPPER.readTree("{\"stores\": [\"mongodb\"], \"running\": false}"));
        }
        assertThat(state.read("replication/desired").orElseThrow().content().at("/stores/mongodb/running").asBoolean())
                .isFalse();
    }

    @Test
    void shouldRefuseAnUnknownFieldNamingIt() throws Exception {
        assertError(call("POST", "/api/replication/start", "{\"stores\": [\"mongodb\"]}", "application/json", TOKEN), 400,
                "unknown field stores in a replication request; fields are store");
        assertError(call("POST", "/api/backups", "{\"type\": \"full\", \"colour\": \"red\", \"size\": 3}", "application/json",
                TOKEN), 400, "unknown field(s) colour, size; a backup request has type, store and region");
        assertThat(state.read("replication/desired")).isEmpty();
    }

    @Test
    void shouldRefuseABodyThatIsNotJsonOrNotOfItsType() throws Exception {
        assertError(call("POST", "/api/backups", "{not json", "application/json", TOKEN), 400,
                "the request body is not valid JSON: ");
        assertError(call("POST", "/api/replication/start", "{\"store\": 1}", "application/json", TOKEN), 400,
                "store must be a string such as \"mongodb\"");
        assertError(call("POST", "/api/retention", "[true]", "application/json", TOKEN), 400,
                "the request body must be a JSON object such as {\"dryRun\": true}");
        assertError(call("POST", "/api/conflicts/" + ConflictId.EXAMPLE + "/resolve", "{\"resolution\": \"source\"} x",
                "application/json", TOKEN), 400, "the request body is not valid JSON: ");
        assertError(call("POST", "/api/backups", null, "application/json", TOKEN), 400,
                "the request body must be a JSON object such as {\"type\":\"full\",\"store\":\"mongodb\"}");
        assertThat(state.read("replication/desired")).isEmpty();
    }

    @Test
    void shouldAnswerACallerWithoutAValidTokenOnlyThatWhateverTheBody() throws Exception {
        assertError(call("POST", "/api/backups", "{not json", "application/json", null), 401, "missing credentials");
        assertError(call("POST", "/api/replication/stop", "{\"everything\": true}", "application/json", "wrong"), 401,
                "invalid bearer token");
        assertError(call("POST", "/api/replication/stop", null, null, "wrong"), 401, "invalid bearer token");
        assertThat(state.read("replication/desired")).isEmpty();
    }

    @Test
    void shouldWriteAnswersThatReadBackAsTheirTypes() throws Exception {
        Conflict open = conflicts.save(Conflict.detected(ConflictId.generate(NOW), "mongodb",
                Direction.of("us-east-1", "us-west-2"), new ConflictRecord("devflow", "orders", "7"),
                ConflictStrategy.MANUAL, NOW, RecordVersion.deleted(NOW), RecordVersion.deleted(NOW.minusSeconds(1)),
                Decision.PENDING, "test"));

        HttpResponse<String> one = call("GET", "/api/conflicts/" + open.id(), null, null, TOKEN);
        HttpResponse<String> all = call("GET", "/api/conflicts", null, null, TOKEN);

        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(one.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(ApiJson.MAPPER.readValue(one.body(), Conflict.class)).isEqualTo(open);
        assertThat(Json.MAPPER.readTree(one.body()).path("detectedAt").asText()).isEqualTo(NOW.toString());
        assertThat(ApiJson.MAPPER.readValue(all.body(), ConflictList.class)).isEqualTo(new ConflictList(List.of(open)));
        assertError(call("GET", "/api/conflicts/" + ConflictId.EXAMPLE, null, null, TOKEN), 404, "no conflict");
    }

    @Test
    void shouldAnswerTheTestsResourceFromTheRecordedResults() throws Exception {
        DrillResult recorded = new DrillResult("drill-20260301-040000-a1b2c3", DrillType.BACKUP, "drill-20260301-040000-a1b2c3",
                "schedule", "schedule", "passed", NOW, NOW.plusSeconds(3), true,
                Map.of("mongodb", new DrillResult.StoreResult(true, 2.5, "restored")), List.of(), List.of("dropped"), null);
        new DrillRecords(state).save(recorded);

        HttpResponse<String> one = call("GET", "/api/tests/" + recorded.id(), null, null, TOKEN);
        HttpResponse<String> all = call("GET", "/api/tests?type=backup&limit=5", null, null, TOKEN);

        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(ApiJson.MAPPER.readValue(one.body(), DrillResult.class)).isEqualTo(recorded);
        assertThat(ApiJson.MAPPER.readValue(all.body(), TestList.class).tests()).containsExactly(recorded);
        assertError(call("GET", "/api/tests?type=chaos", null, null, TOKEN), 400, "type must be backup, replication");
        assertError(call("GET", "/api/tests/drill-20260301-040000-ffffff", null, null, TOKEN), 404, "no drill");
        assertError(call("GET", "/api/tests/nonsense", null, null, TOKEN), 400, "'nonsense' is not a drill id");
        assertError(call("POST", "/api/tests", "{\"type\": \"chaos\"}", "application/json", TOKEN), 400,
                "type must be backup, replication");
        assertError(call("POST", "/api/tests", "{\"types\": [\"backup\"]}", "application/json", TOKEN), 400,
                "unknown field types");
    }

    @Test
    void shouldTellACallerItsTokensNameAndRoleButNotTheToken() throws Exception {
        HttpResponse<String> viewer = call("GET", "/api/whoami", null, null, VIEWER);
        HttpResponse<String> admin = call("GET", "/api/whoami", null, null, TOKEN);

        assertThat(viewer.statusCode()).as(viewer.body()).isEqualTo(200);
        assertThat(ApiJson.MAPPER.readValue(viewer.body(), Caller.class)).isEqualTo(new Caller("grafana", "viewer"));
        assertThat(ApiJson.MAPPER.readValue(admin.body(), Caller.class)).isEqualTo(new Caller("api", "admin"));
        assertThat(viewer.body()).doesNotContain(VIEWER);
        assertError(call("GET", "/api/whoami", null, null, null), 401, "missing credentials");
    }

    @Test
    void shouldListTheAuditLogNewestFirstToAViewerAndFilterIt() throws Exception {
        AuditLog audit = new AuditLog(state, clock);
        audit.record("backup", "ci", "backup-full-20260127-100000-aaaaaa", Json.MAPPER.createObjectNode());
        clock.advance(Duration.ofMinutes(1));
        audit.record("conflict-resolved", "oncall", ConflictId.EXAMPLE, Json.MAPPER.createObjectNode().put("decision", "source"));

        HttpResponse<String> all = call("GET", "/api/audit", null, null, VIEWER);
        HttpResponse<String> resolved = call("GET", "/api/audit?action=conflict-resolved&since=2026-01-27T10:00:00Z", null, null, VIEWER);

        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(ApiJson.MAPPER.readValue(all.body(), AuditList.class).entries()).extracting(AuditEntry::action)
                .containsExactly("conflict-resolved", "backup");
        AuditList filtered = ApiJson.MAPPER.readValue(resolved.body(), AuditList.class);
        assertThat(filtered.entries()).singleElement().satisfies(e -> {
            assertThat(e.by()).isEqualTo("oncall");
            assertThat(e.details().path("decision").asText()).isEqualTo("source");
        });
        assertError(call("GET", "/api/audit?since=yesterday", null, null, VIEWER), 400, "since must be an ISO-8601 instant");
        assertError(call("GET", "/api/audit?limit=0", null, null, VIEWER), 400, "limit must be a number from 1 to 1000");
    }

    @Test
    void shouldLetOnlyAnOperatorVerifyABackupAndRefuseTheRestoreLevel() throws Exception {
        assertError(call("POST", "/api/backups/" + BackupId.EXAMPLE + "/verify", "{\"level\": \"quick\"}", "application/json",
                VIEWER), 403, "the token 'grafana' has the role viewer; this call needs operator or above");
        assertError(call("POST", "/api/backups/" + BackupId.EXAMPLE + "/verify", "{\"level\": \"restore\"}", "application/json",
                TOKEN), 400, "level must be \"quick\" or \"full\", not 'restore'");
        assertError(call("POST", "/api/backups/not-a-backup/verify", null, null, TOKEN), 400, "'not-a-backup' is not a backup id");
        assertError(call("POST", "/api/backups/" + BackupId.EXAMPLE + "/verify", "{\"depth\": 1}", "application/json", TOKEN),
                400, "unknown field depth");
        assertThat(state.paths()).noneMatch(p -> p.startsWith("audit/"));
    }

    @Test
    void shouldAnswerTheLagOfTheLastHourAndRefuseALongerWindow() throws Exception {
        HttpResponse<String> lag = call("GET", "/api/replication/lag", null, null, VIEWER);

        assertThat(lag.statusCode()).as(lag.body()).isEqualTo(200);
        assertThat(ApiJson.MAPPER.readValue(lag.body(), LagHistoryList.class)).isEqualTo(new LagHistoryList(60, List.of()));
        assertError(call("GET", "/api/replication/lag?minutes=61", null, null, VIEWER), 400,
                "minutes must be a number from 1 to 60, not '61'");
    }

    @Test
    void shouldServeTheConsoleWithoutATokenUnderItsContentSecurityPolicy() throws Exception {
        HttpResponse<String> folder = call("GET", "/console", null, null, null);
        HttpResponse<String> index = call("GET", "/console/", null, null, null);
        HttpResponse<String> script = call("GET", "/console/js/api.js", null, null, null);

        assertThat(folder.statusCode()).isEqualTo(302);
        assertThat(folder.headers().firstValue("Location")).contains("/console/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe"));
        assertThat(index.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(index.body()).contains("<script type=\"module\" src=\"js/overview.js\"></script>")
                .doesNotContain(TOKEN).doesNotContainPattern("<script>|<script type=\"module\">|\\son[a-z]+=");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("sessionStorage");
        for (String path : List.of("/console/nothing.html", "/console/../application.properties", "/console/%2e%2e/logback.xml",
                "/console/js/../../logback.xml", "/console/a/b/c.js", "/consoles")) {
            HttpResponse<String> missing = call("GET", path, null, null, null);
            assertThat(missing.statusCode()).as(path).isEqualTo(404);
            assertThat(missing.body()).as(path).startsWith("{").doesNotContain("<configuration");
        }
    }

    @Test
    void shouldDescribeTheBodiesInTheOpenApiDocument() throws Exception {
        HttpResponse<String> document = call("GET", "/api/openapi.json", null, null, null);

        assertThat(document.statusCode()).isEqualTo(200);
        JsonNode schemas = Json.MAPPER.readTree(document.body()).path("components").path("schemas");
        assertThat(schemas.path("BackupRequestBody").path("properties").path("type").path("type").asText()).isEqualTo("string");
        assertThat(schemas.path("RetentionRequest").path("properties").path("dryRun").path("type").asText()).isEqualTo("boolean");
        assertThat(schemas.path("TestRequestBody").path("properties").path("type").path("type").asText()).isEqualTo("string");
        for (String type : List.of("BackupAccepted", "BackupList", "ReplicationChange", "ReplicationChanged",
                "ConflictResolutionRequest", "ConflictList", "Conflict", "TestsAccepted", "TestList", "DrillResult",
                "Caller", "AuditList", "LagHistoryList", "VerifyRequestBody", "VerificationRecord")) {
            assertThat(schemas.has(type)).as(type + " in " + schemas.fieldNames()).isTrue();
        }
    }

    private void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asText()).startsWith(message);
    }

    private HttpResponse<String> call(String method, String path, String body, String contentType, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static DrConfig manualReplication() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("replication").put("conflictResolution", "manual");
        return TestConfigs.load(root);
    }
}
