package io.devflow.dr.recovery.plan;

import io.devflow.dr.config.RecoveryPlansConfig.Hook;
import io.devflow.dr.recovery.plan.PlanEnums.StepState;
import io.devflow.dr.recovery.plan.RecoveryPlan.StorePart;
import io.devflow.dr.recovery.plan.ThroughputHistory.Sample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanStepsTest {

    static final long MIB = 1024 * 1024;
    static final Instant T = Instant.parse("2026-01-27T10:00:00Z");

    static PlanSteps.Sized full(String store, long bytes) {
        return new PlanSteps.Sized(new StorePart(store, "us-east-1", List.of("backup-full-20260127-020000-" + (store + "xxxxxx").substring(0, 6)),
                Map.of("db", "db"), T, "note"), bytes, 100, 0, 0, true);
    }

    static PlanSteps.Sized chain(String store, long fullBytes, long incrementBytes) {
        return new PlanSteps.Sized(new StorePart(store, "us-east-1", List.of("backup-full-20260127-020000-aaaaaa",
                "backup-incremental-20260127-030000-bbbbbb", "backup-incremental-20260127-040000-cccccc"),
                Map.of("db", "db"), T, "note"), fullBytes, 100, incrementBytes, 10, false);
    }

    static Hook hook(String name, int timeoutSeconds) {
        return new Hook(name, List.of("/bin/true"), Optional.empty(), Duration.ofSeconds(timeoutSeconds));
    }

    static Sample sample(String step, long bytes, long millis) {
        return new Sample(T, step, bytes, 1, millis, "test");
    }

    @Test
    void shouldRunStoresSideBySideAndHooksInOrderAfterTheData() {
        List<PlanStep> steps = PlanSteps.of(List.of(full("mongodb", 4 * MIB), chain("influxdb", 2 * MIB, MIB)),
                List.of(hook("deploy-apps", 60), hook("smoke-test", 30)), (key, step) -> List.of());

        assertThat(steps).extracting(PlanStep::id).containsExactly("restore-mongodb", "verify-mongodb",
                "restore-influxdb", "replay-influxdb", "hook-deploy-apps", "hook-smoke-test");
        assertThat(steps).extracting(PlanStep::type).containsExactly(StepType.RESTORE_STORE,
                StepType.VERIFY_FINGERPRINTS, StepType.RESTORE_STORE, StepType.REPLAY_INCREMENTS, StepType.HOOK, StepType.HOOK);
        assertThat(steps.get(0).dependsOn()).isEmpty();
        assertThat(steps.get(2).dependsOn()).as("stores are independent").isEmpty();
        assertThat(steps.get(1).dependsOn()).containsExactly("restore-mongodb");
        assertThat(steps.get(3).dependsOn()).containsExactly("restore-influxdb");
        assertThat(steps.get(3).backups()).hasSize(2);
        assertThat(steps.get(4).dependsOn()).containsExactly("verify-mongodb", "replay-influxdb");
        assertThat(steps.get(5).dependsOn()).containsExactly("hook-deploy-apps");
        assertThat(PlanGraph.ready(steps)).extracting(PlanStep::id).containsExactly("restore-mongodb", "restore-influxdb");
    }

    @Test
    void shouldEstimateFromTheDefaultWithoutHistoryAndSaySo() {
        List<PlanStep> steps = PlanSteps.of(List.of(full("mongodb", 10 * MIB)), List.of(hook("deploy-apps", 120)),
                (key, step) -> List.of());

        assertThat(steps.get(0).estimate()).isEqualTo(new PlanStep.Estimate(10, "no history: 1.0 MB/s assumed"));
        assertThat(steps.get(2).estimate()).isEqualTo(new PlanStep.Estimate(120, "no history: its timeout of 120 s assumed"));
        // restore 10 s, verify 10 s, then the hook's 120 s
        assertThat(PlanGraph.criticalPathSeconds(steps)).isEqualTo(140);
    }

    @Test
    void shouldEstimateFromTheMedianOfTheNewestMeasuredRunsOfTheSameStep() {
        Map<String, List<Sample>> history = Map.of(
                "mongodb/restore-store", List.of(sample("restore-store", 100 * MIB, 1_000), // old and fast: left out
                        sample("restore-store", 10 * MIB, 1_000), sample("restore-store", 20 * MIB, 1_000),
                        sample("restore-store", 5 * MIB, 1_000), sample("restore-store", 8 * MIB, 1_000),
                        sample("restore-store", 4 * MIB, 1_000)),
                "hook-deploy-apps/hook", List.of(sample("hook", 0, 7_000), sample("hook", 0, 9_000), sample("hook", 0, 8_000)));
        List<PlanStep> steps = PlanSteps.of(List.of(full("mongodb", 80 * MIB)), List.of(hook("deploy-apps", 600)),
                (key, step) -> history.getOrDefault(key + "/" + step, List.of()));

        assertThat(steps.get(0).estimate()).isEqualTo(new PlanStep.Estimate(10, "8.0 MB/s, median of 5 measured runs"));
        assertThat(steps.get(1).estimate().basis()).startsWith("no history");
        assertThat(steps.get(2).estimate()).isEqualTo(new PlanStep.Estimate(8, "median of 3 measured runs"));
    }

    @Test
    void shouldTakeTheLongestChainAsTheTotalAndOnlyStartStepsWhoseDependenciesCompleted() {
        List<PlanStep> steps = PlanSteps.of(List.of(full("mongodb", 3 * MIB), chain("influxdb", 2 * MIB, 5 * MIB),
                full("redis", MIB)), List.of(hook("deploy-apps", 4)), (key, step) -> List.of());

        // influxdb: restore 2 + replay 5 is the longest data chain (mongodb 3 + 3, redis 1 + 1), then the hook
        assertThat(PlanGraph.criticalPathSeconds(steps)).isEqualTo(11);
        List<PlanStep> afterRestores = steps.stream().map(s -> s.type() == StepType.RESTORE_STORE
                ? s.running(T).completed(T.plusSeconds(1), "done") : s).toList();
        assertThat(PlanGraph.ready(afterRestores)).extracting(PlanStep::id)
                .containsExactly("verify-mongodb", "replay-influxdb", "verify-redis");
        List<PlanStep> allButOne = afterRestores.stream().map(s -> s.id().equals("replay-influxdb") || s.type() == StepType.HOOK
                ? s : s.running(T).completed(T.plusSeconds(1), "done")).toList();
        assertThat(PlanGraph.ready(allButOne)).extracting(PlanStep::id).containsExactly("replay-influxdb");
        assertThat(allButOne.stream().filter(s -> s.state() == StepState.COMPLETED)).hasSize(5);
    }

    @Test
    void shouldRefuseADependencyOnAStepThatIsNotInThePlan() {
        PlanStep orphan = PlanStep.planned("verify-redis", StepType.VERIFY_FINGERPRINTS, "redis", "x", List.of(),
                List.of("restore-redis"), 0, 0).estimated(new PlanStep.Estimate(1, "x"));

        assertThatThrownBy(() -> PlanGraph.criticalPathSeconds(List.of(orphan)))
                .hasMessage("step verify-redis depends on restore-redis, which is not in the plan");
    }

    @Test
    void shouldMakeIdsInTheSeedsShape() {
        assertThat(RecoveryPlans.newId(Instant.ofEpochSecond(1706349600))).matches("recovery-1706349600-[a-z0-9]{6}");
    }
}
