package io.devflow.dr.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
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
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import io.devflow.dr.testing.TestConfigs;
import io.devflow.dr.testing.TestKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class ReplicationApiTest {

    private static final Instant NOW = Instant.parse("2026-01-27T10:30:00Z");
    /** The legacy api.token's caller: the name earlier audit records carried. */
    private static final ApiSecurity.Caller CALLER = new ApiSecurity.Caller("api", io.devflow.dr.config.ApiRole.ADMIN);

    private final ApiErrors errors = new ApiErrors();
    private final MemoryStateStore state = new MemoryStateStore();
    private final MutableClock clock = new MutableClock(NOW);
    private final ReplicationConfig config = replicationConfig();
    private final ConflictStore conflicts = new ConflictStore(state, TestKeys.conflictCipher());
    private final AuditLog audit = new AuditLog(state, clock);
    private final ReplicationApi api = new ReplicationApi(
            Optional.of(new ReplicationService(config, new EnumMap<>(StoreKind.class), conflicts, state, audit,
                    new ReplicationMetrics(new SimpleMeterRegistry()), new ProgressBoard(clock), config::source, clock)),
            Optional.of(new ReplicationControl(config, state, audit, clock)), null);
    private final ReplicationApi unconfigured = new ReplicationApi(Optional.empty(), Optional.empty(), null);

    @Test
    void shouldStartEveryReplicatedStoreWithoutABody() throws Exception {
        for (String body : new String[] {null, "", "  \n"}) {
            JsonNode answer = ApiJson.MAPPER.valueToTree(change(body, true));

            assertThat(answer).isEqualTo(Json.MAPPER.readTree("{\"stores\": [\"mongodb\"], \"running\": true}"));
        }
        assertThat(state.read("replication/desired").orElseThrow().content().at("/stores/mongodb/running").asBoolean())
                .isTrue();
    }

    @Test
    void shouldStopTheNamedStore() throws Exception {
        JsonNode answer = ApiJson.MAPPER.valueToTree(change("{\"store\": \"mongodb\"}", false));

        assertThat(answer).isEqualTo(Json.MAPPER.readTree("{\"stores\": [\"mongodb\"], \"running\": false}"));
        JsonNode desired = state.read("replication/desired").orElseThrow().content().at("/stores/mongodb");
        assertThat(desired.path("running").asBoolean()).isFalse();
        assertThat(desired.path("changedBy").asText()).isEqualTo("api");
        assertThat(desired.path("changedAt").asText()).isEqualTo(NOW.toString());
        assertThat(ApiJson.MAPPER.writeValueAsString(change("{\"store\": null}", false))).contains("\"mongodb\"");
    }

    @Test
    void shouldRefuseAStartOrStopBodyItCannotRead() {
        assertBadRequest(() -> change("{\"store\": \"mongodb\"", true), "the request body is not valid JSON: ");
        assertBadRequest(() -> change("mongodb", true), "the request body is not valid JSON: ");
        assertBadRequest(() -> change("{\"store\": \"mongodb\"} {\"store\": \"redis\"}", true),
                "the request body is not valid JSON: unexpected text after the JSON value");
        assertBadRequest(() -> change("[\"mongodb\"]", true),
                "the request body must be a JSON object such as {\"store\": \"mongodb\"}");
        assertBadRequest(() -> change("\"mongodb\"", false),
                "the request body must be a JSON object such as {\"store\": \"mongodb\"}");
        assertBadRequest(() -> change("{\"stores\": [\"mongodb\"]}", true),
                "unknown field stores in a replication request; fields are store");
        assertBadRequest(() -> change("{\"store\": [\"mongodb\"]}", true), "store must be a string such as \"mongodb\"");
        assertBadRequest(() -> change("{\"store\": 1}", true), "store must be a string such as \"mongodb\"");
        assertThat(state.read("replication/desired")).isEmpty();
    }

    @Test
    void shouldNameTheStoresForAnUnknownOrUnreplicatedStore() {
        assertBadRequest(() -> change("{\"store\": \"cassandra\"}", true),
                "unknown store 'cassandra'; stores are mongodb, redis, influxdb");
        assertBadRequest(() -> change("{\"store\": \"redis\"}", true),
                "redis is not replicated; replicated stores are mongodb (disasterRecovery.replication.stores)");
        assertThat(state.read("replication/desired")).isEmpty();
    }

    @Test
    void shouldSayWhenReplicationIsNotConfigured() {
        String message = "replication is not configured on this server (disasterRecovery.replication)";

        assertBadRequest(() -> unconfigured.change(null, true, CALLER), message);
        assertBadRequest(() -> unconfigured.conflicts(null, null, null), message);
        assertBadRequest(() -> unconfigured.conflict(ConflictId.EXAMPLE), message);
        assertBadRequest(() -> unconfigured.resolve(ConflictId.EXAMPLE, body("{\"resolution\": \"source\"}"), CALLER), message);
    }

    @Test
    void shouldRefuseAResolveBodyItCannotRead() {
        String id = ConflictId.EXAMPLE;
        String example = "the request body must be a JSON object such as {\"resolution\": \"source\"}";
        String required = "resolution is required: \"source\", \"target\" or a JSON object with the record's new version";

        assertBadRequest(() -> resolve(id, null), example);
        assertBadRequest(() -> resolve(id, " "), example);
        assertBadRequest(() -> resolve(id, "source"), "the request body is not valid JSON: ");
        assertBadRequest(() -> resolve(id, "[\"source\"]"), example);
        assertBadRequest(() -> resolve(id, "{\"resolution\": \"source\"} {\"resolution\": \"target\"}"),
                "the request body is not valid JSON: unexpected text after the JSON value");
        assertBadRequest(() -> resolve(id, "{}"), required);
        assertBadRequest(() -> resolve(id, "{\"resolution\": null}"), required);
        assertBadRequest(() -> resolve(id, "{\"resolution\": 1}"), required);
        assertBadRequest(() -> resolve(id, "{\"resolution\": [\"source\"]}"), required);
        assertBadRequest(() -> resolve(id, "{\"resolution\": \"source\", \"by\": \"alice\"}"),
                "unknown field by in a resolution request; fields are resolution");
        assertBadRequest(() -> resolve(id, "{\"resolution\": \"theirs\"}"),
                "resolve a conflict with source, target or a JSON object of the record, not 'theirs'");
    }

    @Test
    void shouldTellAMalformedIdFromAnUnknownOne() {
        assertBadRequest(() -> resolve("42", "{\"resolution\": \"source\"}"), "'42' is not a conflict id");
        assertBadRequest(() -> api.conflict("conflict-42"), "'conflict-42' is not a conflict id");
        assertStatus(() -> resolve(ConflictId.EXAMPLE, "{\"resolution\": \"source\"}"), 404,
                "no conflict " + ConflictId.EXAMPLE + " in the control state");
        assertStatus(() -> api.conflict(ConflictId.EXAMPLE), 404, "no conflict " + ConflictId.EXAMPLE);
    }

    @Test
    void shouldAnswerConflictWhenTheConflictIsAlreadyResolved() {
        Conflict decided = conflicts.save(conflict(Decision.SOURCE));

        assertStatus(() -> resolve(decided.id(), "{\"resolution\": \"target\"}"), 409,
                "conflict " + decided.id() + " is already resolved (source, by strategy at " + NOW + "); nothing was changed");
        assertThat(conflicts.get(decided.id())).isEqualTo(decided);
    }

    @Test
    void shouldShowAStoredConflict() throws Exception {
        Conflict open = conflicts.save(conflict(Decision.PENDING));

        JsonNode shown = ApiJson.MAPPER.valueToTree(api.conflict(open.id()));

        assertThat(Json.MAPPER.treeToValue(shown, Conflict.class)).isEqualTo(open);
    }

    @Test
    void shouldListConflictsByStatusAndStore() throws Exception {
        Conflict open = conflicts.save(conflict(Decision.PENDING));
        Conflict decided = conflicts.save(conflict(Decision.TARGET));

        assertThat(ids(api.conflicts(null, null, null))).containsExactly(open.id());
        assertThat(ids(api.conflicts("resolved", "", ""))).containsExactly(decided.id());
        assertThat(ids(api.conflicts("all", "mongodb", "10"))).containsExactlyInAnyOrder(open.id(), decided.id());
        assertThat(ids(api.conflicts("all", "redis", null))).isEmpty();
    }

    @Test
    void shouldRefuseConflictFiltersItCannotRead() {
        assertBadRequest(() -> api.conflicts("closed", null, null), "status must be open, resolved or all, not 'closed'");
        assertBadRequest(() -> api.conflicts(null, "mongo", null), "unknown store 'mongo'; stores are mongodb, redis, influxdb");
        assertBadRequest(() -> api.conflicts("all", null, "0"), "limit must be a positive number, not '0'");
        assertBadRequest(() -> api.conflicts("all", null, "-3"), "limit must be a positive number, not '-3'");
        assertBadRequest(() -> api.conflicts("all", null, "ten"), "limit must be a positive number, not 'ten'");
    }

    private Conflict conflict(Decision decision) {
        String id = ConflictId.generate(clock.instant());
        clock.advance(Duration.ofSeconds(1));
        return Conflict.detected(id, "mongodb", Direction.of("us-east-1", "us-west-2"),
                new ConflictRecord("devflow", "orders", "7"),
                decision == Decision.PENDING ? ConflictStrategy.MANUAL : ConflictStrategy.LAST_WRITE_WINS, NOW,
                RecordVersion.deleted(NOW), RecordVersion.deleted(NOW.minusSeconds(1)), decision, "test");
    }

    private static List<String> ids(ConflictList answer) {
        List<String> ids = new ArrayList<>();
        ApiJson.MAPPER.valueToTree(answer).path("conflicts").forEach(c -> ids.add(c.path("id").asText()));
        return ids;
    }

    private ReplicationChanged change(String body, boolean running) throws Exception {
        return api.change(BoundBody.read(body, ReplicationChange.class), running, CALLER);
    }

    private Conflict resolve(String id, String body) throws Exception {
        return api.resolve(id, body(body), CALLER);
    }

    private static ConflictResolutionRequest body(String body) throws Exception {
        return BoundBody.read(body, ConflictResolutionRequest.class);
    }

    private void assertBadRequest(ThrowingCallable call, String messageStart) {
        assertStatus(call, 400, messageStart);
    }

    private void assertStatus(ThrowingCallable call, int status, String messageStart) {
        Throwable failure = catchThrowable(call);

        assertThat(failure).as(messageStart).isNotNull();
        assertThat(errors.status(failure)).as(failure.toString()).isEqualTo(status);
        assertThat(errors.body(failure).error()).startsWith(messageStart);
    }

    private static ReplicationConfig replicationConfig() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("replication").put("conflictResolution", "manual");
        return TestConfigs.load(root).replication().orElseThrow();
    }
}
