package io.devflow.dr.replication;

import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LagHistoryTest {

    private static final Instant START = Instant.parse("2026-01-27T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final LagHistory history = new LagHistory(clock);

    @Test
    void shouldKeepOneSeriesPerTargetAndStoreOldestFirst() {
        history.record(report(clock.instant(), 0.5, 2.0));
        clock.advance(Duration.ofSeconds(10));
        history.record(report(clock.instant(), 1.5, 0.0));

        List<LagHistory.Series> series = history.since(Duration.ofHours(1));

        assertThat(series).extracting(LagHistory.Series::store).containsExactly("mongodb", "redis");
        assertThat(series.get(0).source()).isEqualTo("us-east-1");
        assertThat(series.get(0).target()).isEqualTo("us-west-2");
        assertThat(series.get(0).samples()).containsExactly(new LagHistory.Sample(START, 0.5, 5),
                new LagHistory.Sample(START.plusSeconds(10), 1.5, 5));
        assertThat(series.get(1).samples()).extracting(LagHistory.Sample::lagSeconds).containsExactly(2.0, 0.0);
    }

    @Test
    void shouldForgetSamplesOlderThanAnHourAndAnswerOnlyTheWindowAskedFor() {
        history.record(report(clock.instant(), 9.0, 9.0));
        clock.advance(Duration.ofMinutes(50));
        history.record(report(clock.instant(), 1.0, 1.0));

        assertThat(history.since(Duration.ofMinutes(5)).get(0).samples()).extracting(LagHistory.Sample::lagSeconds)
                .containsExactly(1.0);
        assertThat(history.since(Duration.ofHours(1)).get(0).samples()).hasSize(2);

        clock.advance(Duration.ofMinutes(20));
        history.record(report(clock.instant(), 3.0, 3.0));

        assertThat(history.since(Duration.ofHours(24)).get(0).samples()).extracting(LagHistory.Sample::lagSeconds)
                .containsExactly(1.0, 3.0);
    }

    private static ReplicationReport report(Instant at, double mongoLag, double redisLag) {
        return new ReplicationReport("us-east-1", "manual", at, "host", List.of(new ReplicationReport.Target("us-west-2",
                ReplicationHealth.HEALTHY, at, Math.max(mongoLag, redisLag), Map.of(), 0,
                List.of(store("mongodb", mongoLag, 5), store("redis", redisLag, 0)))));
    }

    private static ReplicationReport.Store store(String name, double lag, long backlog) {
        return new ReplicationReport.Store(name, "streaming", ReplicationHealth.HEALTHY, true, lag, backlog, 0, 0, 0, 0, 0,
                null, null, null, null);
    }
}
