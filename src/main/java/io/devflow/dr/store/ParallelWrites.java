package io.devflow.dr.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The writes of one restore, run on a few worker threads behind the single thread that reads the archive. The
 * archive is one sequential stream (decrypted, decompressed and checked in order), so it is read once and its
 * batches are handed over here; at most {@code 2 x workers} batches are queued or being written at any time, so
 * memory stays flat however large the backup is, and the reader waits when the writers fall behind.
 * <p>
 * The first failing write fails the restore: every later {@link #submit} and {@link #await} throws it, batches
 * still queued are dropped rather than written, and {@link #close} stops the workers, so no worker is left
 * waiting or writing after the restore has failed.
 */
public final class ParallelWrites implements AutoCloseable {

    /** Enough to keep a server's cores busy while each connection waits for its answer; few enough to be polite. */
    public static final int DEFAULT_WORKERS = 4;

    private static final AtomicInteger RESTORES = new AtomicInteger();

    private final int permits;
    private final Semaphore slots;
    private final ExecutorService workers;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    /** A write of one batch; it throws to fail the restore. */
    public interface Write {
        void run() throws Exception;
    }

    /**
     * @param name what the workers write into, for their thread names (e.g. {@code mongodb})
     */
    public ParallelWrites(String name, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("at least one worker");
        }
        this.permits = 2 * workers;
        this.slots = new Semaphore(permits);
        String prefix = "restore-" + RESTORES.incrementAndGet() + "-" + name + "-";
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            // a worker must never keep the process alive after its restore was abandoned
            thread.setDaemon(true);
            return thread;
        };
        this.workers = Executors.newFixedThreadPool(workers, threads);
    }

    /**
     * Queues a write, waiting while {@code 2 x workers} are queued or running.
     *
     * @return completes when the write has run (or was dropped after another write failed)
     * @throws RuntimeException the first failure of an earlier write
     */
    public CompletableFuture<Void> submit(Write write) {
        rethrow();
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the restore was interrupted", e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            workers.execute(() -> {
                try {
                    if (failure.get() == null) {
                        write.run();
                    }
                    done.complete(null);
                } catch (Exception | Error e) {
                    RuntimeException described = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                    failure.compareAndSet(null, described);
                    done.completeExceptionally(e);
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        return done;
    }

    /** Waits, inside a write, for writes queued before it (FIFO: they have started, so this cannot deadlock). */
    public static void awaitAll(List<CompletableFuture<Void>> writes) throws InterruptedException {
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Waits until every submitted write has run.
     *
     * @throws RuntimeException the first write's failure
     */
    public void await() {
        try {
            slots.acquire(permits);
            slots.release(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the restore was interrupted", e);
        }
        rethrow();
    }

    private void rethrow() {
        RuntimeException first = failure.get();
        if (first != null) {
            throw first;
        }
    }

    /** Stops the workers: after {@link #await} they are idle; after a failure, writes in progress are interrupted. */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
