package io.devflow.dr.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DR metrics, under the seed's names as Prometheus shows them ({@code dr_backup_success_rate}, ...).
 */
public final class DrMetrics {

    private final MeterRegistry registry;
    private final Map<String, Outcomes> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> damaged = new ConcurrentHashMap<>();

    private static final class Outcomes {
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();

        double rate() {
            long total = succeeded.get() + failed.get();
            return total == 0 ? Double.NaN : (double) succeeded.get() / total;
        }
    }

    public DrMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Shows a store's success rate and its backups of one type in one region as 0 succeeded and 0 failed from the
     * start: an alert on the failures' increase then sees the first failure too, which a series born at 1 would hide.
     */
    public void expect(String store, String type, String region) {
        outcomes(store);
        counter(store, type, region, "success");
        counter(store, type, region, "failure");
    }

    public void backupCompleted(String store, String type, String region, Duration duration, long storedBytes,
                                Instant completedAt) {
        outcomes(store).succeeded.incrementAndGet();
        counter(store, type, region, "success").increment();
        Timer.builder("dr.backup.duration").description("Time from start to committed manifest")
                .tags("store", store, "type", type, "region", region).register(registry).record(duration);
        DistributionSummary.builder("dr.backup.size").baseUnit("bytes").description("Stored (compressed, encrypted) size")
                .tags("store", store, "type", type, "region", region).register(registry).record(storedBytes);
        lastSuccess.computeIfAbsent(store + "|" + region, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("dr.backup.last.success", holder, AtomicLong::get).baseUnit("seconds")
                    .description("Completion time of the last successful backup (epoch seconds)")
                    .tags("store", store, "region", region).register(registry);
            return holder;
        }).set(completedAt.getEpochSecond());
    }

    /** How many damaged manifests the latest listing of a store's backups in a region found. */
    public void damagedManifests(String store, String region, long count) {
        damaged.computeIfAbsent(store + "|" + region, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("dr.backup.damaged.manifests", holder, AtomicLong::get)
                    .description("Damaged backup manifests (unreadable, another backup's or deployment's, or "
                            + "their seal does not verify) found by the latest listing")
                    .tags("store", store, "region", region).register(registry);
            return holder;
        }).set(count);
    }

    public void backupFailed(String store, String type, String region) {
        outcomes(store).failed.incrementAndGet();
        counter(store, type, region, "failure").increment();
    }

    private Counter counter(String store, String type, String region, String result) {
        return Counter.builder("dr.backup").description("Backups finished, by result")
                .tags("store", store, "type", type, "region", region, "result", result).register(registry);
    }

    private Outcomes outcomes(String store) {
        return outcomes.computeIfAbsent(store, s -> {
            Outcomes o = new Outcomes();
            Gauge.builder("dr.backup.success.rate", o, Outcomes::rate)
                    .description("Share of backups that succeeded since this process started")
                    .tags("store", s).register(registry);
            return o;
        });
    }
}
