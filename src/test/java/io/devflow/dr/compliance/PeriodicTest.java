package io.devflow.dr.compliance;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodicTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOW = START.plus(Duration.ofDays(30));
    private final Periodic weekly = new Periodic(START, NOW, Duration.ofDays(7));

    @Test
    void shouldPassEvidenceThatRecursWithinTheInterval() {
        Periodic.Judgement judged = weekly.judge("restore drill", List.of(at(6), at(12), at(19), at(26)));

        assertThat(judged.verdict()).isEqualTo(Verdict.PASS);
        assertThat(judged.gaps()).isEmpty();
    }

    @Test
    void shouldNameEveryGapLongerThanTheInterval() {
        Periodic.Judgement judged = weekly.judge("restore drill", List.of(at(2), at(20), at(27)));

        assertThat(judged.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(judged.gaps()).containsExactly(Gap.of(START.plus(Duration.ofDays(2)), START.plus(Duration.ofDays(20))));
        assertThat(judged.gaps().get(0).hours()).isEqualTo(18 * 24);
    }

    @Test
    void shouldFailWhenTheNewestAttemptFailed() {
        Periodic.Judgement judged = weekly.judge("restore drill", List.of(at(20),
                new Periodic.Event(START.plus(Duration.ofDays(27)), false)));

        assertThat(judged.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(judged.summary()).contains("failed");
    }

    @Test
    void shouldWantEvidenceOnlyOnceAnIntervalHasPassed() {
        Periodic young = new Periodic(NOW.minus(Duration.ofDays(2)), NOW, Duration.ofDays(7));

        assertThat(young.judge("restore drill", List.of()).verdict()).isEqualTo(Verdict.NOT_ENOUGH_EVIDENCE);
        assertThat(weekly.judge("restore drill", List.of()).verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void shouldReadDurationsAsPeopleWriteThem() {
        assertThat(Durations.parse("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Durations.text(Duration.ofDays(7))).isEqualTo("7d");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durations.parse("ninety days"))
                .hasMessage("'ninety days' is not a duration; write it as 90d, 12h or 30m");
    }

    private static Periodic.Event at(int day) {
        return new Periodic.Event(START.plus(Duration.ofDays(day)), true);
    }
}
