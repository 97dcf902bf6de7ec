package io.devflow.dr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.StateConflictException;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrillSuiteTest {

    private final MemoryStateStore state = new MemoryStateStore();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T04:00:00Z"));
    private final DrillRecords records = new DrillRecords(state);
    private final List<Map<String, DrillRecords.Measure>> told = new ArrayList<>();

    private DrillSuite suite(Drill... drills) {
        return new DrillSuite(List.of(drills), records, new AuditLog(state, clock), told::add, clock);
    }

    private static Drill drill(DrillType type, Scripted script) {
        return new Drill() {
            @Override
            public DrillType type() {
                return type;
            }

            @Override
            public void run(String id, DrillOutcome outcome) {
                script.run(id, outcome);
            }
        };
    }

    private interface Scripted {
        void run(String id, DrillOutcome outcome);
    }

    @Test
    void shouldRecordEveryResultWithItsStoresAndMeasureRecoveryTimesOfBackupDrills() {
        DrillSuite suite = suite(
                drill(DrillType.BACKUP, (id, o) -> {
                    o.store("mongodb", true, 2.5, "restored");
                    o.store("redis", false, 0.4, "fingerprints differ");
                    o.cleaned("dropped dr_drill_x_devflow");
                }),
                drill(DrillType.REPLICATION, (id, o) -> o.store("mongodb", true, 0.3, "seen")));

        List<DrillResult> results = suite.runAll(new DrillRequest(suite.available(), DrillRequest.Trigger.MANUAL, "oncall"));

        assertThat(results).extracting(DrillResult::type).containsExactly(DrillType.BACKUP, DrillType.REPLICATION);
        DrillResult backup = records.get(results.get(0).id()).orElseThrow();
        assertThat(backup.passed()).isFalse();
        assertThat(backup.status()).isEqualTo("failed");
        assertThat(backup.failure()).isEqualTo("redis: fingerprints differ");
        assertThat(backup.stores().get("mongodb")).isEqualTo(new DrillResult.StoreResult(true, 2.5, "restored"));
        assertThat(backup.cleanup()).containsExactly("dropped dr_drill_x_devflow");
        assertThat(backup.by()).isEqualTo("oncall");
        assertThat(backup.trigger()).isEqualTo("manual");
        assertThat(backup.suite()).isEqualTo(results.get(0).id());
        assertThat(records.get(results.get(1).id()).orElseThrow().passed()).isTrue();
        assertThat(records.newest(10, Optional.of(DrillType.REPLICATION))).extracting(DrillResult::id)
                .containsExactly(results.get(1).id());
        Map<String, DrillRecords.Measure> measures = records.measures();
        assertThat(measures).containsOnlyKeys("mongodb", "redis");
        assertThat(measures.get("mongodb").seconds()).isEqualTo(2.5);
        assertThat(measures.get("redis").passed()).isFalse();
        assertThat(told).hasSize(1);
        List<JsonNode> audited = state.paths().stream().filter(p -> p.startsWith("audit/chain/"))
                .map(p -> state.read(p).orElseThrow().content()).toList();
        assertThat(audited).hasSize(3).anyMatch(e -> e.path("action").asText().equals("dr-test-started"));
        assertThat(audited.stream().filter(e -> e.path("action").asText().equals("dr-test"))
                .map(e -> e.path("details").path("passed").asBoolean())).containsExactlyInAnyOrder(false, true);
    }

    @Test
    void shouldFailADrillThatThrowsAndStillRunTheNextType() {
        DrillSuite suite = suite(
                drill(DrillType.BACKUP, (id, o) -> {
                    throw new IllegalStateException("bucket unreachable");
                }),
                drill(DrillType.FAILOVER, (id, o) -> o.step("validate-target", true, 0.1, "ok")));

        List<DrillResult> results = suite.runAll(new DrillRequest(suite.available(), DrillRequest.Trigger.SCHEDULE, "schedule"));

        assertThat(results.get(0).passed()).isFalse();
        assertThat(results.get(0).failure()).contains("bucket unreachable");
        assertThat(results.get(1).passed()).isTrue();
        assertThat(results.get(1).steps()).extracting(DrillResult.StepResult::name).containsExactly("validate-target");
    }

    @Test
    void shouldFailADrillThatCheckedNothing() {
        DrillSuite suite = suite(drill(DrillType.REPLICATION, (id, o) -> { }));

        DrillResult result = suite.runAll(new DrillRequest(List.of(DrillType.REPLICATION), DrillRequest.Trigger.MANUAL, "a"))
                .get(0);

        assertThat(result.passed()).isFalse();
        assertThat(result.failure()).contains("nothing to drill");
    }

    @Test
    void shouldRecordDrillsAsRunningWhenTheSuiteBeginsAndRunOneSuiteAtATime() {
        DrillSuite suite = suite(drill(DrillType.BACKUP, (id, o) -> o.store("redis", true, 1, "ok")));
        DrillRequest request = new DrillRequest(List.of(DrillType.BACKUP), DrillRequest.Trigger.MANUAL, "a");

        DrillSuite.Suite begun = suite.begin(request);

        DrillResult running = records.get(begun.drills().get(DrillType.BACKUP)).orElseThrow();
        assertThat(running.status()).isEqualTo("running");
        assertThat(running.endedAt()).isNull();
        assertThatThrownBy(() -> suite.begin(request)).isInstanceOf(StateConflictException.class)
                .hasMessageContaining("are running in this process");
        suite.run(begun, DrillType.BACKUP);
        suite.end(begun);
        assertThat(records.get(begun.drills().get(DrillType.BACKUP)).orElseThrow().status()).isEqualTo("passed");
        assertThat(suite.begin(request).id()).isNotEqualTo(begun.id());
    }

    @Test
    void shouldTakeTheNextSuiteAsSoonAsTheLastResultOfTheSuiteCanBeRead() {
        DrillSuite suite = suite(drill(DrillType.BACKUP, (id, o) -> o.store("redis", true, 1, "ok")),
                drill(DrillType.REPLICATION, (id, o) -> o.store("redis", true, 1, "ok")));
        DrillSuite.Suite begun = suite.begin(new DrillRequest(suite.available(), DrillRequest.Trigger.MANUAL, "a"));

        suite.run(begun, DrillType.BACKUP);
        assertThatThrownBy(() -> suite.begin(new DrillRequest(List.of(DrillType.BACKUP), DrillRequest.Trigger.MANUAL,
                "b"))).isInstanceOf(StateConflictException.class);
        suite.run(begun, DrillType.REPLICATION);

        assertThat(records.get(begun.drills().get(DrillType.REPLICATION)).orElseThrow().status()).isEqualTo("passed");
        assertThat(suite.begin(new DrillRequest(List.of(DrillType.BACKUP), DrillRequest.Trigger.MANUAL, "b")).id())
                .isNotEqualTo(begun.id());
    }

    @Test
    void shouldRefuseATypeWithoutADrillNamingTheOnesThereAre() {
        DrillSuite suite = suite(drill(DrillType.BACKUP, (id, o) -> { }));

        assertThatThrownBy(() -> suite.begin(new DrillRequest(List.of(DrillType.RECOVERY_TIME),
                DrillRequest.Trigger.MANUAL, "a"))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("no recovery-time drill in this version; drill types: backup");
        assertThat(state.paths()).isEmpty();
    }

    @Test
    void shouldReadResultsBackInTheContractShape() {
        DrillSuite suite = suite(drill(DrillType.BACKUP, (id, o) -> o.store("mongodb", true, 1.25, "ok")));
        String id = suite.runAll(new DrillRequest(List.of(DrillType.BACKUP), DrillRequest.Trigger.MANUAL, "a")).get(0).id();

        var doc = state.read("drills/" + id).orElseThrow().content();

        assertThat(doc.path("id").asText()).isEqualTo(id);
        assertThat(doc.path("type").asText()).isEqualTo("backup");
        assertThat(doc.path("trigger").asText()).isEqualTo("manual");
        assertThat(doc.path("passed").asBoolean()).isTrue();
        assertThat(doc.path("stores").path("mongodb").path("seconds").asDouble()).isEqualTo(1.25);
        assertThat(doc.has("failure")).isFalse();
        assertThat(Instant.parse(doc.path("startedAt").asText())).isEqualTo(clock.instant());
    }
}
