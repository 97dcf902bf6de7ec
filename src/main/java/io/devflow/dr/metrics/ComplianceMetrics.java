package io.devflow.dr.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The recovery objectives as Prometheus shows them, per store: {@code dr_rto_compliance} (1 when the last measured
 * recovery time met the RTO, else 0), {@code dr_rto_measured_seconds}, {@code dr_rpo_compliance} (1 when the worse of
 * replication lag and the newest restorable point's age is within the RPO, else 0) and {@code dr_rpo_measured_seconds};
 * a measurement not yet made is NaN. Each gauge asks for its value when scraped.
 */
public final class ComplianceMetrics {

    private final MeterRegistry registry;
    private final Set<String> tracked = ConcurrentHashMap.newKeySet();

    public ComplianceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers a store's four gauges once; later calls for the same store change nothing. */
    public void track(String store, DoubleSupplier rtoCompliance, DoubleSupplier rtoSeconds, DoubleSupplier rpoCompliance,
                      DoubleSupplier rpoSeconds) {
        if (!tracked.add(store)) {
            return;
        }
        Gauge.builder("dr.rto.compliance", rtoCompliance, DoubleSupplier::getAsDouble).strongReference(true).tags("store", store)
                .description("1 when the last measured recovery time (a drill's) met the RTO, else 0").register(registry);
        Gauge.builder("dr.rto.measured", rtoSeconds, DoubleSupplier::getAsDouble).strongReference(true).tags("store", store).baseUnit("seconds")
                .description("The last recovery time a drill measured").register(registry);
        Gauge.builder("dr.rpo.compliance", rpoCompliance, DoubleSupplier::getAsDouble).strongReference(true).tags("store", store)
                .description("1 when the worse of replication lag and the newest restorable point's age is within the "
                        + "RPO, else 0").register(registry);
        Gauge.builder("dr.rpo.measured", rpoSeconds, DoubleSupplier::getAsDouble).strongReference(true).tags("store", store).baseUnit("seconds")
                .description("The worse of replication lag and the newest restorable point's age").register(registry);
    }
}
