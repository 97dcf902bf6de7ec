package io.devflow.dr.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Replication metrics as Prometheus shows them: {@code dr_replication_lag} (seconds) per store and direction,
 * {@code dr_replication_events_applied_total}, {@code dr_replication_echoes_skipped_total},
 * {@code dr_replication_bytes_total}, {@code dr_replication_backlog}, {@code dr_replication_health} (1 for the
 * direction's health state, 0 for the others), {@code dr_replication_conflicts_total} (by decision),
 * {@code dr_replication_conflicts_open}, {@code dr_replication_conflicts_oldest_open_seconds},
 * {@code dr_replication_conflicts_resolved_total}, {@code dr_replication_reconcile_repairs_total} and
 * {@code dr_replication_failures_total}.
 */
public final class ReplicationMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger open = new AtomicInteger();
    private volatile double oldestOpen = Double.NaN;

    public ReplicationMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("dr.replication.conflicts.open", open, AtomicInteger::get)
                .description("Conflicts waiting for an operator").register(registry);
        Gauge.builder("dr.replication.conflicts.oldest.open", this, m -> m.oldestOpen).baseUnit("seconds")
                .description("When the oldest conflict waiting for an operator was detected (epoch seconds); NaN "
                        + "when none waits").register(registry);
    }

    /** Registers the gauges and counters of one store's worker in one direction, read from its progress. */
    public <T> void track(T progress, String store, String source, String target,
                          ToDoubleFunction<T> lagSeconds, ToDoubleFunction<T> applied, ToDoubleFunction<T> echoes,
                          ToDoubleFunction<T> bytes, ToDoubleFunction<T> backlog, ToDoubleFunction<T> repairs,
                          Function<T, String> health, List<String> healthStates) {
        String[] tags = {"store", store, "source", source, "target", target};
        Gauge.builder("dr.replication.lag", progress, lagSeconds).tags(tags)
                .description("Seconds between now and the source time of the last applied change (0 when caught up)")
                .register(registry);
        FunctionCounter.builder("dr.replication.events.applied", progress, applied).tags(tags)
                .description("Changes applied to the target").register(registry);
        FunctionCounter.builder("dr.replication.echoes.skipped", progress, echoes).tags(tags)
                .description("Records skipped because replication itself wrote their current version (changes of one record in one batch count once)").register(registry);
        FunctionCounter.builder("dr.replication.bytes", progress, bytes).tags(tags)
                .description("Bytes of records written to the target").register(registry);
        Gauge.builder("dr.replication.backlog", progress, backlog).tags(tags)
                .description("Changes known to be waiting").register(registry);
        FunctionCounter.builder("dr.replication.reconcile.repairs", progress, repairs).tags(tags)
                .description("Records the periodic reconcile found out of step and repaired").register(registry);
        // shown at 0 from the start, so that an alert on the increase sees the first refused change too
        failures(store);
        for (String state : healthStates) {
            Gauge.builder("dr.replication.health", progress, p -> state.equals(health.apply(p)) ? 1 : 0).tags(tags)
                    .tag("health", state).description("1 for the direction's health now (healthy, degraded, failed, "
                            + "stopped), 0 for the other states").register(registry);
        }
    }

    /**
     * Shows a store's conflicts as 0 from the start for each decision a detection and a resolution can take, so
     * that the increase of the counters sees the first conflict too.
     */
    public void expectConflicts(String store, List<String> detected, List<String> resolved) {
        detected.forEach(decision -> conflicts(store, decision));
        resolved.forEach(decision -> resolved(store, decision));
    }

    public void conflictDetected(String store, String decision) {
        conflicts(store, decision).increment();
    }

    public void conflictResolved(String store, String decision) {
        resolved(store, decision).increment();
    }

    private Counter conflicts(String store, String decision) {
        return Counter.builder("dr.replication.conflicts").tags("store", store, "decision", decision)
                .description("Conflicts detected, by the strategy's decision").register(registry);
    }

    private Counter resolved(String store, String decision) {
        return Counter.builder("dr.replication.conflicts.resolved").tags("store", store, "decision", decision)
                .description("Open conflicts resolved by an operator").register(registry);
    }

    /** @param oldest when the oldest open conflict was detected; empty when none is open */
    public void openConflicts(int count, Optional<Instant> oldest) {
        open.set(count);
        oldestOpen = oldest.map(at -> (double) at.getEpochSecond()).orElse(Double.NaN);
    }

    public void failure(String store) {
        failures(store).increment();
    }

    private Counter failures(String store) {
        return Counter.builder("dr.replication.failures").tags("store", store)
                .description("Changes the target refused for good (kept in the control state)").register(registry);
    }
}
