package io.devflow.dr.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The reads of a listing that wait on the bucket (a month's index, a backup's manifest and its seal), run
 * {@value #PARALLEL} at a time instead of one after the other: against S3 each is a round trip of tens of
 * milliseconds, and the end of a month scans some 720 folders per store. The threads are daemons, shared by every
 * listing of the process, and end after a minute without work.
 */
final class CatalogReads {

    /** Reads in flight at most, over every listing of the process. */
    static final int PARALLEL = 8;

    private static final ThreadPoolExecutor POOL;

    static {
        AtomicInteger threads = new AtomicInteger();
        POOL = new ThreadPoolExecutor(PARALLEL, PARALLEL, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new ReadThread(task, "dr-catalog-read-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        POOL.allowCoreThreadTimeOut(true);
    }

    private CatalogReads() {
    }

    /**
     * {@code read} applied to every item, the results in the items' order. The first failure (in that order) is
     * thrown as it was raised, after the reads still waiting are cancelled. Called from one of these reads, it
     * reads in the calling thread: a read never waits for a place in the pool it holds one of.
     */
    static <T, R> List<R> each(List<T> items, Function<T, R> read) {
        if (items.size() < 2 || Thread.currentThread() instanceof ReadThread) {
            return items.stream().map(read).toList();
        }
        List<Future<R>> pending = new ArrayList<>(items.size());
        for (T item : items) {
            pending.add(POOL.submit(() -> read.apply(item)));
        }
        List<R> results = new ArrayList<>(items.size());
        try {
            for (Future<R> future : pending) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing backups", e);
        } finally {
            pending.forEach(future -> future.cancel(true));
        }
    }

    private static final class ReadThread extends Thread {
        ReadThread(Runnable task, String name) {
            super(task, name);
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }
}
