package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationProgressTest {

    private static final Instant NOW = Instant.parse("2026-01-27T10:00:00Z");
    private static final ReplicationConfig.Health SEED = new ReplicationConfig.Health(Duration.ofSeconds(60),
            Duration.ofSeconds(300));

    private final MutableClock clock = new MutableClock(NOW);
    private final ReplicationProgress progress = new ReplicationProgress(Direction.of("us-east-1", "us-west-2"),
            "mongodb", clock);

    @Test
    void shouldBeStoppedWithoutLagUntilItRuns() {
        progress.applied(1, 10, NOW.minusSeconds(600));

        assertThat(progress.phase()).isEqualTo(ReplicationProgress.Phase.STOPPED);
        assertThat(progress.lag()).isZero();
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.STOPPED);
    }

    @Test
    void shouldMeasureLagFromTheSourceTimeOfTheLastAppliedChange() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.applied(10, 1_000, NOW.minusSeconds(45));
        progress.applied(5, 500, NOW.minusSeconds(90));

        // an older change applied later does not move the mark back
        assertThat(progress.completeUntil()).isEqualTo(NOW.minusSeconds(45));
        assertThat(progress.lag()).isEqualTo(Duration.ofSeconds(45));

        clock.advance(Duration.ofSeconds(10));

        assertThat(progress.lag()).isEqualTo(Duration.ofSeconds(55));
    }

    @Test
    void shouldCountAnInitialSyncAsLagFromItsStartUntilItStreams() {
        progress.phase(ReplicationProgress.Phase.INITIAL_SYNC);
        clock.advance(Duration.ofSeconds(90));
        progress.applied(4_000, 400_000, NOW.plusSeconds(89));
        progress.polled(true, 0, null);
        progress.phase(ReplicationProgress.Phase.INITIAL_SYNC);

        // copied documents carry recent times, but the target is no usable copy until the sync completes
        assertThat(progress.lag()).isEqualTo(Duration.ofSeconds(90));
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.DEGRADED);

        clock.advance(Duration.ofSeconds(300));
        progress.polled(false, 0, null);
        assertThat(progress.lag()).isEqualTo(Duration.ofSeconds(390));
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.FAILED);

        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(true, 0, null);
        assertThat(progress.lag()).isZero();
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.HEALTHY);
    }

    @Test
    void shouldHaveNoLagOnceCaughtUp() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.applied(1, 10, NOW.minusSeconds(120));
        progress.polled(true, 0, null);

        assertThat(progress.caughtUp()).isTrue();
        assertThat(progress.lag()).isZero();
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.HEALTHY);
    }

    @Test
    void shouldCountTheTimeSinceTheLastPollAsLagOnceACaughtUpWorkersNextPollIsOverdue() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.applied(1, 10, NOW.minusSeconds(120));
        progress.polled(true, 0, null);

        clock.advance(ReplicationProgress.STALLED_AFTER.minusMillis(1));
        assertThat(progress.lag()).isZero();

        clock.advance(Duration.ofSeconds(65));
        assertThat(progress.lag()).isEqualTo(ReplicationProgress.STALLED_AFTER.plusSeconds(65).minusMillis(1));
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.DEGRADED);
        assertThat(progress.caughtUp()).isTrue();

        progress.polled(true, 0, null);
        assertThat(progress.lag()).isZero();
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.HEALTHY);
    }

    @Test
    void shouldNotReportNegativeLagWhenTheSourceClockIsAhead() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.applied(1, 10, NOW.plusSeconds(3));

        assertThat(progress.lag()).isZero();
    }

    @Test
    void shouldBeHealthyBelowDegradedAndDegradedFromIt() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(false, 12, NOW.minusSeconds(59));

        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.HEALTHY);

        clock.advance(Duration.ofSeconds(1));
        progress.polled(false, 12, null);

        assertThat(progress.lag()).isEqualTo(Duration.ofSeconds(60));
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.DEGRADED);
        assertThat(progress.backlog()).isEqualTo(12);
    }

    @Test
    void shouldBeFailedFromTheFailedThreshold() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(false, 1, NOW.minusSeconds(299));

        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.DEGRADED);

        clock.advance(Duration.ofSeconds(1));
        progress.polled(false, 1, null);

        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.FAILED);
    }

    @Test
    void shouldFollowConfiguredThresholds() {
        ReplicationConfig.Health strict = new ReplicationConfig.Health(Duration.ofSeconds(5), Duration.ofSeconds(20));
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(false, 1, NOW.minusSeconds(10));

        assertThat(progress.health(strict)).isEqualTo(ReplicationHealth.DEGRADED);
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.HEALTHY);
    }

    @Test
    void shouldFailOnAnErrorAndRecoverOnTheNextGoodPoll() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(true, 0, NOW);
        progress.failed("connection refused");
        progress.failed("connection refused");

        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.FAILED);
        assertThat(progress.caughtUp()).isFalse();
        assertThat(progress.consecutiveErrors()).isEqualTo(2);
        assertThat(progress.lastError()).isEqualTo("connection refused");
        assertThat(progress.lastErrorAt()).isEqualTo(NOW);

        clock.advance(Duration.ofSeconds(5));
        progress.polled(true, 0, null);

        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.HEALTHY);
        assertThat(progress.consecutiveErrors()).isZero();
        assertThat(progress.lastError()).isEqualTo("connection refused");
    }

    @Test
    void shouldCountLagWhileFailingEvenIfItWasCaughtUp() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(true, 0, NOW);
        clock.advance(Duration.ofSeconds(30));
        progress.failed("timeout");

        assertThat(progress.lag()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldDegradeAndThenFailWhenNoPollHasSucceededForTheThresholds() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(true, 0, NOW);
        clock.advance(Duration.ofSeconds(59));

        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.HEALTHY);

        clock.advance(Duration.ofSeconds(240));
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.DEGRADED);

        clock.advance(Duration.ofSeconds(1));

        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.FAILED);
        assertThat(progress.lastSync()).isEqualTo(NOW);
    }

    @Test
    void shouldForgetCatchUpAndBacklogWhenStopped() {
        progress.phase(ReplicationProgress.Phase.STREAMING);
        progress.polled(true, 40, NOW);
        progress.phase(ReplicationProgress.Phase.STOPPED);

        assertThat(progress.caughtUp()).isFalse();
        assertThat(progress.backlog()).isZero();
        assertThat(progress.health(SEED)).isEqualTo(ReplicationHealth.STOPPED);
    }

    @Test
    void shouldAverageThroughputOverTheLastMinute() {
        progress.applied(60, 0, null);
        clock.advance(Duration.ofSeconds(30));
        progress.applied(30, 0, null);

        assertThat(progress.throughput()).isEqualTo(1.5);

        clock.advance(Duration.ofSeconds(31));

        assertThat(progress.throughput()).isEqualTo(0.5);

        clock.advance(Duration.ofSeconds(30));

        assertThat(progress.throughput()).isZero();
    }

    @Test
    void shouldNotCountAMinuteOldSecondAgainWhenItsSlotIsReused() {
        progress.applied(600, 0, null);
        clock.advance(Duration.ofSeconds(60));
        progress.applied(6, 0, null);

        assertThat(progress.throughput()).isEqualTo(0.1);
    }

    @Test
    void shouldAddToTotalsRestoredFromTheCheckpoint() {
        progress.restore(1_000, 64_000);
        progress.applied(3, 300, null);
        progress.echoesSkipped(2);
        progress.conflictDetected();
        progress.repaired(4);

        assertThat(progress.appliedCount()).isEqualTo(1_003);
        assertThat(progress.bytes()).isEqualTo(64_300);
        assertThat(progress.echoes()).isEqualTo(2);
        assertThat(progress.conflicts()).isEqualTo(1);
        assertThat(progress.repairs()).isEqualTo(4);
    }
}
