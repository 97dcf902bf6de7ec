package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationControlTest {

    private static final Instant NOW = Instant.parse("2026-01-27T10:30:00Z");

    private final MemoryStateStore state = new MemoryStateStore();
    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void shouldFollowTheConfigurationUntilAnOperatorDecides() {
        ReplicationControl enabled = control(true);
        ReplicationControl disabled = control(false);

        assertThat(enabled.desired()).containsExactly(
                Map.entry(StoreKind.MONGODB, new ReplicationControl.Desired(true, null, null)),
                Map.entry(StoreKind.REDIS, new ReplicationControl.Desired(true, null, null)));
        assertThat(disabled.desired().values()).extracting(ReplicationControl.Desired::running).containsOnly(false);
    }

    @Test
    void shouldRecordAnOperatorsDecisionPerStore() {
        ReplicationControl control = control(true);

        assertThat(control.request(List.of(StoreKind.REDIS), false, "alice")).containsExactly(StoreKind.REDIS);
        clock.advance(Duration.ofMinutes(1));
        control.request(List.of(StoreKind.MONGODB), true, "bob");

        assertThat(control.desired()).containsEntry(StoreKind.REDIS, new ReplicationControl.Desired(false, NOW, "alice"))
                .containsEntry(StoreKind.MONGODB, new ReplicationControl.Desired(true, NOW.plusSeconds(60), "bob"));
    }

    @Test
    void shouldApplyADecisionWithoutStoresToEveryReplicatedStore() {
        ReplicationControl control = control(true);

        assertThat(control.request(List.of(), false, "cli")).containsExactly(StoreKind.MONGODB, StoreKind.REDIS);
        assertThat(control.desired().values()).containsOnly(new ReplicationControl.Desired(false, NOW, "cli"));
    }

    @Test
    void shouldAuditEachDecision() {
        control(true).request(List.of(StoreKind.MONGODB), false, "alice");

        List<String> audit = state.paths().stream().filter(p -> p.startsWith("audit/chain/")).toList();
        assertThat(audit).hasSize(1);
        JsonNode entry = state.read(audit.get(0)).orElseThrow().content();
        assertThat(entry.path("action").asText()).isEqualTo("replication-stop");
        assertThat(entry.path("by").asText()).isEqualTo("alice");
        assertThat(entry.path("subject").asText()).isEqualTo("replication us-east-1 -> us-west-2");
        assertThat(entry.at("/details/stores")).isEqualTo(Json.MAPPER.createArrayNode().add("mongodb"));
    }

    @Test
    void shouldRefuseAStoreThatIsNotReplicatedAndChangeNothing() {
        ReplicationControl control = control(true);

        assertThatThrownBy(() -> control.request(List.of(StoreKind.MONGODB, StoreKind.INFLUXDB), true, "alice"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("influxdb is not replicated; replicated stores are mongodb, redis "
                        + "(disasterRecovery.replication.stores)");
        assertThat(state.paths()).isEmpty();
    }

    private ReplicationControl control(boolean enabled) {
        ObjectNode root = TestConfigs.minimal();
        for (String region : List.of("us-east-1", "us-west-2")) {
            ObjectNode redis = at(root, "/disasterRecovery/regions/" + region).putObject("redis").put("url", "redis://cache-" + region + ":6379");
            redis.putArray("databases").add(0);
        }
        at(root, "/disasterRecovery").putObject("replication").put("enabled", enabled);
        ReplicationConfig config = TestConfigs.load(root).replication().orElseThrow();
        return new ReplicationControl(config, state, new AuditLog(state, clock), clock);
    }
}
