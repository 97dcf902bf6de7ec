package io.devflow.dr.archive;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters a long-running backup, verify or restore updates as it goes, for progress bars and the API.
 * Updated from the worker thread, read from any other.
 */
public final class Progress {

    private final LongAdder items = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private volatile long startedNanos = System.nanoTime();
    private volatile String phase = "starting";

    public static Progress discarding() {
        return new Progress();
    }

    public void item(long itemBytes) {
        items.increment();
        bytes.add(itemBytes);
    }

    public void phase(String phase) {
        this.phase = phase;
    }

    /** Starts counting afresh for a new pass over the data (reading back after writing, say). */
    public void restart(String phase) {
        items.reset();
        bytes.reset();
        startedNanos = System.nanoTime();
        this.phase = phase;
    }

    public String phase() {
        return phase;
    }

    public long items() {
        return items.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
