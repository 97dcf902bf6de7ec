package io.devflow.dr.drill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one drill found, as it collects it: per store, the timed steps, what it cleaned up, and its failures. The drill
 * passed when nothing failed and at least one thing was checked.
 */
public final class DrillOutcome {

    private final Map<String, DrillResult.StoreResult> stores = new LinkedHashMap<>();
    private final List<DrillResult.StepResult> steps = new ArrayList<>();
    private final List<String> cleanup = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    public synchronized void store(String store, boolean passed, double seconds, String detail) {
        stores.put(store, new DrillResult.StoreResult(passed, seconds, detail));
        if (!passed) {
            failures.add(store + ": " + detail);
        }
    }

    public synchronized void step(String name, boolean passed, double seconds, String detail) {
        steps.add(new DrillResult.StepResult(name, passed, seconds, detail));
        if (!passed) {
            failures.add(name + ": " + detail);
        }
    }

    public synchronized void cleaned(String what) {
        cleanup.add(what);
    }

    /** Something that failed outside any one store or step (nothing to drill, a cleanup that failed). */
    public synchronized void failed(String why) {
        failures.add(why);
    }

    /** Adds what another outcome collected (a part of this drill run on a thread of its own). */
    public void include(DrillOutcome part) {
        Map<String, DrillResult.StoreResult> partStores;
        List<DrillResult.StepResult> partSteps;
        List<String> partCleanup;
        List<String> partFailures;
        synchronized (part) {
            partStores = new LinkedHashMap<>(part.stores);
            partSteps = List.copyOf(part.steps);
            partCleanup = List.copyOf(part.cleanup);
            partFailures = List.copyOf(part.failures);
        }
        synchronized (this) {
            stores.putAll(partStores);
            steps.addAll(partSteps);
            cleanup.addAll(partCleanup);
            failures.addAll(partFailures);
        }
    }

    public synchronized boolean passed() {
        return failures.isEmpty() && (!stores.isEmpty() || !steps.isEmpty());
    }

    synchronized Map<String, DrillResult.StoreResult> stores() {
        return new LinkedHashMap<>(stores);
    }

    synchronized List<DrillResult.StepResult> steps() {
        return List.copyOf(steps);
    }

    synchronized List<String> cleanup() {
        return List.copyOf(cleanup);
    }

    synchronized String failure() {
        if (passed()) {
            return null;
        }
        return failures.isEmpty() ? "nothing to drill: no store is configured for it" : String.join("; ", failures);
    }

    /** Seconds since {@code startedNanos} (System.nanoTime), to the millisecond. */
    public static double seconds(long startedNanos) {
        return Math.round((System.nanoTime() - startedNanos) / 1_000_000.0) / 1000.0;
    }
}
