package io.devflow.dr.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.DoubleSupplier;

/**
 * DR drills as Prometheus shows them, per drill type: {@code dr_drill_passed} (1 when the last finished drill of the
 * type passed, 0 when it failed) and {@code dr_drill_last_run_seconds} (when it ended, epoch seconds); NaN before the
 * first. Each gauge asks for its value when scraped.
 */
public final class DrillMetrics {

    private final MeterRegistry registry;

    public DrillMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void track(String type, DoubleSupplier passed, DoubleSupplier endedAt) {
        Gauge.builder("dr.drill.passed", passed, DoubleSupplier::getAsDouble).strongReference(true).tags("type", type)
                .description("1 when the last finished drill of this type passed, 0 when it failed").register(registry);
        Gauge.builder("dr.drill.last.run", endedAt, DoubleSupplier::getAsDouble).strongReference(true).tags("type", type)
                .baseUnit("seconds").description("When the last finished drill of this type ended (epoch seconds)")
                .register(registry);
    }
}
