package io.devflow.dr.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationMetricsTest {

    static final List<String> STATES = List.of("healthy", "degraded", "failed", "stopped");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ReplicationMetrics metrics = new ReplicationMetrics(registry);

    @Test
    void shouldShowOneHealthStatePerDirectionAsItIsNow() {
        AtomicReference<String> health = new AtomicReference<>("healthy");
        metrics.track(health, "mongodb", "us-east-1", "us-west-2", h -> 0, h -> 0, h -> 0, h -> 0, h -> 0, h -> 0,
                AtomicReference::get, STATES);

        assertThat(healthGauge("healthy")).isEqualTo(1.0);
        health.set("degraded");
        assertThat(healthGauge("healthy")).isZero();
        assertThat(healthGauge("degraded")).isEqualTo(1.0);
        assertThat(healthGauge("failed")).isZero();
        assertThat(healthGauge("stopped")).isZero();
    }

    @Test
    void shouldShowWhenTheOldestOpenConflictWasDetectedAndNaNWhenNoneIsOpen() {
        assertThat(oldestOpen()).isNaN();

        metrics.openConflicts(2, Optional.of(Instant.parse("2026-11-02T03:00:00Z")));
        assertThat(oldestOpen()).isEqualTo(Instant.parse("2026-11-02T03:00:00Z").getEpochSecond());
        assertThat(registry.get("dr.replication.conflicts.open").gauge().value()).isEqualTo(2.0);

        metrics.openConflicts(0, Optional.empty());
        assertThat(oldestOpen()).isNaN();
    }

    @Test
    void shouldShowAStoresRefusedChangesAndConflictsAtZeroBeforeTheFirst() {
        metrics.track(new Object(), "redis", "us-east-1", "us-west-2", x -> 0, x -> 0, x -> 0, x -> 0, x -> 0, x -> 0,
                x -> "healthy", STATES);
        metrics.expectConflicts("redis", List.of("source", "target"), List.of("custom"));

        assertThat(registry.get("dr.replication.failures").tag("store", "redis").counter().count()).isZero();
        assertThat(registry.get("dr.replication.conflicts").tag("decision", "target").counter().count()).isZero();
        metrics.failure("redis");
        metrics.conflictResolved("redis", "custom");
        assertThat(registry.get("dr.replication.failures").tag("store", "redis").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("dr.replication.conflicts.resolved").tag("decision", "custom").counter().count())
                .isEqualTo(1.0);
    }

    private double healthGauge(String state) {
        return registry.get("dr.replication.health").tag("store", "mongodb").tag("target", "us-west-2")
                .tag("health", state).gauge().value();
    }

    private double oldestOpen() {
        return registry.get("dr.replication.conflicts.oldest.open").gauge().value();
    }
}
