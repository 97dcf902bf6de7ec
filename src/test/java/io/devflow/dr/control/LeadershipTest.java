package io.devflow.dr.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadershipTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final Leadership leadership = new Leadership("east-a", "http://east-a:8080", "zookeeper",
            Duration.ofSeconds(10), nanos::get);
    private final Leadership.Term own = new Leadership.Term(4, "east-a", "http://east-a:8080", Instant.EPOCH);

    @Test
    void shouldLeadOnlyOnceElectedAndItsTermIsRecorded() {
        assertThat(leadership.leads()).isFalse();
        leadership.elected();
        assertThat(leadership.leads()).isFalse();

        leadership.took(own);

        assertThat(leadership.leads()).isTrue();
        assertThat(leadership.stamp()).isEqualTo(new WriteAuthority.Stamp(4, "east-a", true));
    }

    @Test
    void shouldStopWritingWhenItsLeadershipWasNotConfirmedInTime() {
        leadership.elected();
        leadership.took(own);

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(11));

        assertThat(leadership.leads()).isFalse();
        assertThatThrownBy(leadership::stamp).isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("cannot confirm that it still leads");

        leadership.observed(Optional.of(own));
        assertThat(leadership.leads()).isTrue();
    }

    @Test
    void shouldStepDownWhenALaterTermWasRecorded() {
        leadership.elected();
        leadership.took(own);

        leadership.observed(Optional.of(new Leadership.Term(5, "west-b", "http://west-b:8080", Instant.EPOCH)));

        assertThat(leadership.leads()).isFalse();
        assertThat(leadership.isElected()).isFalse();
        assertThatThrownBy(leadership::stamp).isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("the leader is west-b at http://west-b:8080 (term 5");
    }

    @Test
    void shouldStopAtOnceWhenTheEngineDeposesIt() {
        leadership.elected();
        leadership.took(own);

        leadership.deposed("session lost");
        leadership.observed(Optional.of(own));

        assertThat(leadership.leads()).isFalse();
        assertThat(leadership.role()).isEqualTo(Leadership.Role.STANDBY);
    }

    @Test
    void shouldNameTheLeaderToAStandby() {
        leadership.observed(Optional.of(new Leadership.Term(2, "west-b", "http://west-b:8080", Instant.EPOCH)));

        assertThatThrownBy(leadership::requireLeader).isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("is a standby; the leader is west-b at http://west-b:8080");
    }
}
