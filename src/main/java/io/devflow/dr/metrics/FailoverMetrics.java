package io.devflow.dr.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Failovers as Prometheus shows them: {@code dr_failover_duration_seconds} and {@code dr_failovers_total} by trigger
 * and outcome, and {@code dr_active_region}, 1 for the active region and 0 for the others.
 */
public final class FailoverMetrics {

    private final MeterRegistry registry;

    /**
     * @param regions every configured region
     * @param active the active region's name, read when the gauge is scraped
     */
    public FailoverMetrics(MeterRegistry registry, List<String> regions, Supplier<String> active) {
        this.registry = registry;
        for (String region : regions) {
            Gauge.builder("dr.active.region", () -> region.equals(activeOrNone(active)) ? 1 : 0)
                    .description("1 for the region that is active (primary) now, 0 for the others")
                    .tags("region", region).register(registry);
        }
    }

    /**
     * Shows a trigger's failovers with one outcome as 0 from the start (and their duration, when {@code timed}), so
     * that an alert on the counter's increase sees the first such failover too.
     */
    public void expect(String trigger, String outcome, boolean timed) {
        counter(trigger, outcome);
        if (timed) {
            timer(trigger, outcome);
        }
    }

    /** A failover ended (or was refused): {@code outcome} completed, rolled-back, failed or refused. */
    public void finished(String trigger, String outcome, Duration duration) {
        counter(trigger, outcome).increment();
        if (duration != null) {
            timer(trigger, outcome).record(duration);
        }
    }

    private Counter counter(String trigger, String outcome) {
        return Counter.builder("dr.failovers").description("Failovers by trigger and outcome")
                .tags("trigger", trigger, "outcome", outcome).register(registry);
    }

    private Timer timer(String trigger, String outcome) {
        return Timer.builder("dr.failover.duration").description("Time from a failover's start to its end")
                .tags("trigger", trigger, "outcome", outcome).register(registry);
    }

    private static String activeOrNone(Supplier<String> active) {
        try {
            return active.get();
        } catch (RuntimeException e) {
            // the control state is unreachable: no region is known to be active
            return null;
        }
    }
}
