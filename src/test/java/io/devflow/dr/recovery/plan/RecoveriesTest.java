package io.devflow.dr.recovery.plan;

import io.devflow.dr.recovery.plan.PlanEnums.Kind;
import io.devflow.dr.recovery.plan.PlanEnums.Mode;
import io.devflow.dr.recovery.plan.PlanEnums.PlanState;
import io.devflow.dr.recovery.plan.PlanEnums.StepState;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.StateConflictException;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecoveriesTest {

    static final Instant NOW = Instant.parse("2026-01-27T10:00:00Z");

    final MemoryStateStore state = new MemoryStateStore();
    final MutableClock clock = new MutableClock(NOW);
    final RecoveryPlans records = new RecoveryPlans(state);
    final Recoveries recoveries = new Recoveries(null, null, records, new ThroughputHistory(state), null,
            Duration.ofSeconds(5), clock);

    static RecoveryPlan planned() {
        PlanStep restore = PlanStep.planned("restore-redis", StepType.RESTORE_STORE, "redis", "restore", List.of("b"),
                List.of(), 10, 1).estimated(new PlanStep.Estimate(1, "no history"));
        PlanStep verify = PlanStep.planned("verify-redis", StepType.VERIFY_FINGERPRINTS, "redis", "verify", List.of("b"),
                List.of("restore-redis"), 10, 1).estimated(new PlanStep.Estimate(1, "no history"));
        return new RecoveryPlan(RecoveryPlans.newId(NOW), Kind.FULL, "us-west-2", false, Mode.MERGE, null, NOW, "ops",
                List.of(new RecoveryPlan.StorePart("redis", "us-east-1", List.of("b"), Map.of("0", "0"), NOW, "n")),
                List.of(restore, verify), 2, 1800, PlanState.PLANNED, List.of(), null, null, List.of(), null);
    }

    static RecoveryPlan startedBy(RecoveryPlan plan, String who, Instant at) {
        return plan.started(new RecoveryPlan.Run(at, who, !plan.runs().isEmpty(), null, null), at);
    }

    @Test
    void shouldRefuseToResumeAPlanWhileItsProcessStillBeats() {
        RecoveryPlan running = records.save(startedBy(planned(), "ops@laptop", NOW)
                .withStep("restore-redis", s -> s.running(NOW).completed(NOW.plusSeconds(1), "wrote 1 items"))
                .withStep("verify-redis", s -> s.running(NOW.plusSeconds(1))).alive(NOW.plusSeconds(2)));
        clock.set(NOW.plusSeconds(16));

        assertThatThrownBy(() -> recoveries.resumable(running.id())).isInstanceOf(StateConflictException.class)
                .hasMessageContaining("is running (ops@laptop, last heard of at 2026-01-27T10:00:02Z)");

        clock.set(NOW.plusSeconds(18));
        RecoveryPlan taken = startedBy(recoveries.resumable(running.id()), "ops@other", clock.instant());
        assertThat(taken.step("restore-redis").orElseThrow().state()).isEqualTo(StepState.COMPLETED);
        assertThat(taken.step("verify-redis").orElseThrow().state()).as("starts again").isEqualTo(StepState.PENDING);
        assertThat(PlanGraph.ready(taken.steps())).extracting(PlanStep::id).containsExactly("verify-redis");
    }

    @Test
    void shouldStopTheRecordsOfARunOnceAnotherProcessResumedThePlan() {
        RecoveryPlan first = records.save(startedBy(planned(), "ops@laptop", NOW));
        records.save(startedBy(first, "ops@other", NOW.plusSeconds(30)));

        assertThatThrownBy(() -> records.save(first.withStep("restore-redis", s -> s.running(NOW))))
                .isInstanceOf(StateConflictException.class)
                .hasMessage("recovery plan " + first.id() + " was resumed by ops@other at 2026-01-27T10:00:30Z; this run stops");
    }

    @Test
    void shouldRefuseToResumeWhatCompletedNeverRanOrIsUnknown() {
        RecoveryPlan completed = records.save(startedBy(planned(), "ops", NOW).ended(PlanState.COMPLETED, null, NOW));

        assertThatThrownBy(() -> recoveries.resumable(completed.id())).isInstanceOf(InvalidRequestException.class)
                .hasMessage("recovery plan " + completed.id() + " completed already; nothing to resume");
        assertThatThrownBy(() -> recoveries.resumable("recovery-1-abcdef")).hasMessageContaining("no recovery plan recovery-1-abcdef");
        assertThatThrownBy(() -> recoveries.resumable("../etc")).hasMessageContaining("dr recover list");
        assertThat(recoveries.list(10)).extracting(RecoveryPlan::id).containsExactly(completed.id());
    }
}
