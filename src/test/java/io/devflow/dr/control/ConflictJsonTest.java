package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ConflictJsonTest {

    private static final Instant DETECTED = Instant.parse("2026-01-27T10:30:01.250Z");
    private static final Direction EAST_TO_WEST = Direction.of("us-east-1", "us-west-2");
    private static final ConflictRecord RECORD = new ConflictRecord("devflow", "orders", "{\"$oid\": \"65b4f0c2a1b2c3d4e5f60718\"}");

    @Test
    void shouldKeepAnOpenConflictThroughJson() throws Exception {
        Conflict open = Conflict.detected(ConflictId.generate(DETECTED), "mongodb", EAST_TO_WEST, RECORD,
                ConflictStrategy.MANUAL, DETECTED, version("{\"_id\": 1, \"qty\": 2}", "2026-01-27T10:30:00Z"),
                version("{\"_id\": 1, \"qty\": 5}", "2026-01-27T10:29:58Z"), Decision.PENDING,
                "manual: waiting for an operator");

        JsonNode json = Json.MAPPER.valueToTree(open);
        Conflict back = Json.MAPPER.treeToValue(json, Conflict.class);

        assertThat(back).isEqualTo(open);
        assertThat(back.isOpen()).isTrue();
        assertThat(back.direction()).isEqualTo(EAST_TO_WEST);
        assertThat(json.path("status").asText()).isEqualTo("open");
        assertThat(json.path("decision").asText()).isEqualTo("pending");
        assertThat(json.path("strategy").asText()).isEqualTo("manual");
        assertThat(json.path("detectedAt").asText()).isEqualTo("2026-01-27T10:30:01.250Z");
        assertThat(json.has("resolvedAt")).isFalse();
        assertThat(json.has("open")).isFalse();
        assertThat(json.has("direction")).isFalse();
    }

    @Test
    void shouldKeepAResolvedConflictWithLaterSourceVersionsThroughJson() throws Exception {
        Conflict open = Conflict.detected(ConflictId.generate(DETECTED), "mongodb", EAST_TO_WEST, RECORD,
                ConflictStrategy.MANUAL, DETECTED, version("{\"_id\": 1, \"qty\": 2}", "2026-01-27T10:30:00Z"),
                RecordVersion.deleted(Instant.parse("2026-01-27T10:29:58Z")), Decision.PENDING, "manual");
        RecordVersion newest = version("{\"_id\": 1, \"qty\": 4}", "2026-01-27T10:31:00Z");
        JsonNode custom = Json.MAPPER.readTree("{\"_id\": 1, \"qty\": {\"$numberLong\": \"3\"}}");
        Conflict resolved = open.withLaterSource(version("{\"_id\": 1, \"qty\": 3}", "2026-01-27T10:30:30Z"))
                .withLaterSource(newest)
                .resolved(Decision.CUSTOM, "alice", Instant.parse("2026-01-27T11:00:00Z"), custom, "merged by hand");

        Conflict back = Json.MAPPER.treeToValue(Json.MAPPER.valueToTree(resolved), Conflict.class);

        assertThat(back).isEqualTo(resolved);
        assertThat(back.isOpen()).isFalse();
        assertThat(back.laterSourceVersions()).isEqualTo(2);
        assertThat(back.sourceVersion()).isEqualTo(newest);
        assertThat(back.targetVersion().exists()).isFalse();
        assertThat(back.targetVersion().content()).isNull();
        assertThat(back.resolution()).isEqualTo(custom);
        assertThat(back.detectedAt()).isEqualTo(DETECTED);
    }

    @Test
    void shouldRecordAnAutomaticDecisionAsResolvedByTheStrategy() {
        Conflict decided = Conflict.detected(ConflictId.generate(DETECTED), "redis", EAST_TO_WEST,
                new ConflictRecord("0", null, "session:42"), ConflictStrategy.LAST_WRITE_WINS, DETECTED,
                version("{}", "2026-01-27T10:30:00Z"), version("{}", "2026-01-27T10:29:00Z"), Decision.SOURCE, "later");

        assertThat(decided.status()).isEqualTo(Conflict.Status.RESOLVED);
        assertThat(decided.resolvedAt()).isEqualTo(DETECTED);
        assertThat(decided.resolvedBy()).isEqualTo("strategy");
        assertThat(decided.source()).isEqualTo("us-east-1");
        assertThat(decided.target()).isEqualTo("us-west-2");
        assertThat(decided.record()).hasToString("0 session:42");
    }

    @Test
    void shouldMoveAResolvedConflictOutOfTheOpenOnes() {
        ConflictStore store = new ConflictStore(new MemoryStateStore(), TestKeys.conflictCipher());
        Conflict open = Conflict.detected(ConflictId.generate(DETECTED), "mongodb", EAST_TO_WEST, RECORD,
                ConflictStrategy.MANUAL, DETECTED, version("{\"qty\": 2}", null), version("{\"qty\": 5}", null),
                Decision.PENDING, "manual");
        store.save(open);

        assertThat(store.open()).containsExactly(open);
        assertThat(store.get(open.id())).isEqualTo(open);

        Conflict resolved = open.resolved(Decision.TARGET, "cli", DETECTED.plusSeconds(60), null, "kept the target");
        store.save(resolved);

        assertThat(store.open()).isEmpty();
        assertThat(store.openIds()).isEmpty();
        assertThat(store.resolved(10)).containsExactly(resolved);
        assertThat(store.get(open.id())).isEqualTo(resolved);
    }

    private static RecordVersion version(String content, String changedAt) {
        try {
            return new RecordVersion(true, Json.MAPPER.readTree(content), changedAt == null ? null : Instant.parse(changedAt),
                    null, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
