package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** When a drain counts a store as caught up with what its source had at the mark. */
class ReplicationDrainTest {

    private static final Instant MARK = Instant.parse("2026-01-27T10:00:00Z");

    private final MutableClock clock = new MutableClock(MARK);

    @Test
    void shouldNotCountAPollThatMayHaveBegunBeforeTheMark() {
        ReplicationProgress p = streaming(StoreKind.MONGODB);
        long baseline = p.polls();

        p.polled(true, 0, null);
        assertThat(ReplicationDrain.state(StoreKind.MONGODB, p, baseline, MARK, clock.instant()).caughtUp())
                .as("the first poll after the mark may have read before it").isFalse();

        p.polled(true, 0, null);
        ReplicationHandover.StoreDrain drained = ReplicationDrain.state(StoreKind.MONGODB, p, baseline, MARK,
                clock.instant());
        assertThat(drained.caughtUp()).isTrue();
        assertThat(drained.appliedUntil()).isEqualTo(MARK);
        assertThat(drained.lag()).isZero();
        assertThat(drained.backlog()).isZero();
    }

    @Test
    void shouldNotBeCaughtUpWhileThereIsMoreToReadOrBeforeTheBaselineIsTaken() {
        ReplicationProgress p = streaming(StoreKind.REDIS);
        long baseline = p.polls();
        p.polled(false, 40, null);
        p.polled(false, 12, null);

        assertThat(ReplicationDrain.state(StoreKind.REDIS, p, baseline, MARK, clock.instant()))
                .extracting(ReplicationHandover.StoreDrain::caughtUp, ReplicationHandover.StoreDrain::backlog)
                .containsExactly(false, 12L);
        p.polled(true, 0, null);
        assertThat(ReplicationDrain.state(StoreKind.REDIS, p, null, MARK, clock.instant()).caughtUp())
                .as("no baseline yet: the notification allowance has not passed").isFalse();
    }

    @Test
    void shouldNeedInfluxWindowsCopiedUpToTheMark() {
        ReplicationProgress p = streaming(StoreKind.INFLUXDB);
        long baseline = p.polls();
        p.polled(true, 0, MARK.minusSeconds(2));
        p.polled(true, 0, MARK.minusSeconds(1));
        clock.advance(Duration.ofSeconds(3));

        ReplicationHandover.StoreDrain behind = ReplicationDrain.state(StoreKind.INFLUXDB, p, baseline, MARK, clock.instant());
        assertThat(behind.caughtUp()).isFalse();
        assertThat(behind.appliedUntil()).isEqualTo(MARK.minusSeconds(1));
        assertThat(behind.lag()).isEqualTo(Duration.ofSeconds(4));

        p.polled(true, 0, MARK.plusSeconds(1));
        assertThat(ReplicationDrain.state(StoreKind.INFLUXDB, p, baseline, MARK, clock.instant()).caughtUp()).isTrue();
    }

    @Test
    void shouldNeverCountAStoppedOrFailingDirectionAsCaughtUp() {
        ReplicationProgress stopped = new ReplicationProgress(Direction.of("us-east-1", "us-west-2"), "mongodb", clock);
        assertThat(ReplicationDrain.state(StoreKind.MONGODB, stopped, 0L, MARK, clock.instant()).caughtUp()).isFalse();

        ReplicationProgress failing = streaming(StoreKind.MONGODB);
        long baseline = failing.polls();
        failing.polled(true, 0, null);
        failing.polled(true, 0, null);
        failing.failed("target unreachable");

        ReplicationHandover.StoreDrain drained = ReplicationDrain.state(StoreKind.MONGODB, failing, baseline, MARK,
                clock.instant());
        assertThat(drained.caughtUp()).isFalse();
        assertThat(drained.backlog()).as("unknown while its polls fail").isEqualTo(-1);
    }

    private ReplicationProgress streaming(StoreKind store) {
        ReplicationProgress p = new ReplicationProgress(Direction.of("us-east-1", "us-west-2"), store.id(), clock);
        p.phase(ReplicationProgress.Phase.STREAMING);
        p.polled(true, 0, null);
        return p;
    }
}
