package io.devflow.dr.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.ApiRole;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.retention.RetentionAudit;
import io.devflow.dr.retention.RetentionService;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperationsApiTest {

    private static final ApiSecurity.Caller ADMIN = new ApiSecurity.Caller("oncall", ApiRole.ADMIN);
    private static final ApiSecurity.Caller OPERATOR = new ApiSecurity.Caller("ci", ApiRole.OPERATOR);

    private final MemoryStateStore state = new MemoryStateStore();
    private final OperationsApi api = new OperationsApi(new RetentionAudit(new AuditLog(state,
            new MutableClock(Instant.parse("2026-01-27T10:30:00Z")))));

    @Test
    void shouldDeleteOnlyWhenTheRequestSaysDryRunFalse() throws Exception {
        assertThat(api.dryRun(BoundBody.read(null, RetentionRequest.class), ADMIN)).isTrue();
        assertThat(api.dryRun(BoundBody.read(" ", RetentionRequest.class), ADMIN)).isTrue();
        assertThat(api.dryRun(BoundBody.read("{}", RetentionRequest.class), ADMIN)).isTrue();
        assertThat(api.dryRun(BoundBody.read("{\"dryRun\": null}", RetentionRequest.class), ADMIN)).isTrue();
        assertThat(api.dryRun(BoundBody.read("{\"dryRun\": true}", RetentionRequest.class), OPERATOR)).isTrue();
        assertThat(api.dryRun(BoundBody.read("{\"dryRun\": false}", RetentionRequest.class), ADMIN)).isFalse();
    }

    @Test
    void shouldLetOnlyAnAdminDelete() {
        assertThatThrownBy(() -> api.dryRun(BoundBody.read("{\"dryRun\": false}", RetentionRequest.class), OPERATOR))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).startsWith("deleting backups needs the admin role; the token 'ci' has operator");
                });
    }

    @Test
    void shouldAuditAnAppliedRetentionUnderTheTokensName() {
        RetentionService.Entry kept = new RetentionService.Entry("keep", "backup-full-20260127-020000-aaaaaa", "mongodb",
                "us-east-1", "full", "completed", Instant.parse("2026-01-27T02:00:00Z"), "daily");
        RetentionService.Entry deleted = new RetentionService.Entry("delete", "backup-full-20260101-020000-bbbbbb",
                "mongodb", "us-east-1", "full", "completed", Instant.parse("2026-01-01T02:00:00Z"), "expired");

        api.audited(new RetentionService.Report(true, List.of(kept, deleted), 1, 1, List.of(), Map.of(), null), ADMIN);
        assertThat(state.paths()).isEmpty();

        api.audited(new RetentionService.Report(false, List.of(kept, deleted), 1, 1, List.of(), Map.of(), null), ADMIN);
        List<String> entries = state.paths().stream().filter(p -> p.startsWith("audit/chain/")).toList();
        assertThat(entries).hasSize(1);
        JsonNode record = state.read(entries.get(0)).orElseThrow().content();
        assertThat(record.path("action").asText()).isEqualTo("retention-applied");
        assertThat(record.path("by").asText()).isEqualTo("oncall");
        assertThat(record.at("/details/deletedBackups/0").asText()).isEqualTo("backup-full-20260101-020000-bbbbbb");
        assertThat(record.at("/details/deleted").asInt()).isEqualTo(1);
    }
}
