package io.devflow.dr.recovery.plan;

import io.devflow.dr.recovery.plan.ThroughputHistory.Sample;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Estimates a step's duration from what earlier runs measured: a data step from the median throughput (stored bytes
 * per second) of the last runs of the same kind of step on the same store, a hook from the median of its last
 * durations. Without history it says so and assumes a conservative default: {@value #DEFAULT_MIB_PER_SECOND} MiB/s for
 * data (a restore of the embedded test servers runs at several times that), the hook's timeout for a hook.
 */
final class Estimator {

    static final double DEFAULT_MIB_PER_SECOND = 1.0;
    static final double DEFAULT_BYTES_PER_SECOND = DEFAULT_MIB_PER_SECOND * 1024 * 1024;
    /** How many of the newest samples count: recent runs say most about the next one. */
    static final int SAMPLES = 5;

    private Estimator() {
    }

    /** A data step reading {@code bytes} stored bytes, from the samples of this kind of step on this store. */
    static PlanStep.Estimate data(long bytes, List<Sample> samples) {
        List<Double> rates = newest(samples).stream().filter(s -> s.millis() > 0 && s.bytes() > 0)
                .map(s -> s.bytes() * 1000.0 / s.millis()).sorted().toList();
        if (rates.isEmpty()) {
            return new PlanStep.Estimate(seconds(bytes / DEFAULT_BYTES_PER_SECOND),
                    String.format(Locale.ROOT, "no history: %.1f MB/s assumed", DEFAULT_MIB_PER_SECOND));
        }
        double rate = median(rates);
        return new PlanStep.Estimate(seconds(bytes / rate), String.format(Locale.ROOT, "%s/s, median of %d measured run%s",
                megabytes(rate), rates.size(), rates.size() == 1 ? "" : "s"));
    }

    /** A hook, from its own past durations, else its timeout. */
    static PlanStep.Estimate hook(Duration timeout, List<Sample> samples) {
        List<Double> durations = newest(samples).stream().map(s -> s.millis() / 1000.0).sorted().toList();
        if (durations.isEmpty()) {
            return new PlanStep.Estimate(timeout.toSeconds(), "no history: its timeout of " + timeout.toSeconds() + " s assumed");
        }
        return new PlanStep.Estimate(seconds(median(durations)), "median of " + durations.size() + " measured run"
                + (durations.size() == 1 ? "" : "s"));
    }

    private static List<Sample> newest(List<Sample> samples) {
        return samples.subList(Math.max(0, samples.size() - SAMPLES), samples.size());
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Whole seconds, at least one: a step that reads anything takes time. */
    private static long seconds(double seconds) {
        return Math.max(1, (long) Math.ceil(seconds));
    }

    private static String megabytes(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f MB", bytesPerSecond / (1024 * 1024));
    }
}
