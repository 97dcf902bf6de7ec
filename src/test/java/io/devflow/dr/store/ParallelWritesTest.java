package io.devflow.dr.store;

import io.devflow.dr.testing.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelWritesTest {

    @Test
    void shouldHaveRunEveryWriteWhenAwaitReturns() {
        List<Integer> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ParallelWrites writes = new ParallelWrites("test", 3)) {
            for (int i = 0; i < 100; i++) {
                int batch = i;
                writes.submit(() -> written.add(batch));
            }
            writes.await();
        }
        assertThat(written).hasSize(100).doesNotHaveDuplicates();
    }

    @Test
    void shouldFailWithTheFirstFailureAndDropTheWritesQueuedBehindIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try (ParallelWrites writes = new ParallelWrites("test", 1)) {
            writes.submit(() -> {
                release.await();
                throw new IllegalStateException("writing 1000 documents to db.orders failed: duplicate key");
            });
            CompletableFuture<Void> queued = writes.submit(ran::incrementAndGet);
            release.countDown();

            assertThatThrownBy(writes::await).hasMessage("writing 1000 documents to db.orders failed: duplicate key");
            assertThatThrownBy(() -> writes.submit(ran::incrementAndGet)).hasMessageContaining("db.orders");
            assertThat(queued).isDone();
        }
        assertThat(ran).hasValue(0);
    }

    @Test
    void shouldHoldAtMostTwiceTheWorkersWritesAndMakeTheReaderWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        Thread reader;
        try (ParallelWrites writes = new ParallelWrites("test", 2)) {
            AtomicInteger submitted = new AtomicInteger();
            reader = new Thread(() -> {
                for (int i = 0; i < 5; i++) {
                    writes.submit(() -> {
                        running.incrementAndGet();
                        release.await();
                    });
                    submitted.incrementAndGet();
                }
            }, "reader");
            reader.start();
            Poll.until("the reader waits for a free slot", Duration.ofSeconds(10),
                    () -> submitted.get() == 4 && reader.getState() == Thread.State.WAITING);
            assertThat(running).hasValue(2);
            release.countDown();
            reader.join(10_000);
            writes.await();
        }
        assertThat(running).hasValue(5);
    }

    @Test
    void shouldStopItsWorkersOnClose() throws Exception {
        String prefix;
        try (ParallelWrites writes = new ParallelWrites("closing", 2)) {
            ConcurrentHashMap<String, Boolean> names = new ConcurrentHashMap<>();
            writes.submit(() -> names.put(Thread.currentThread().getName(), true));
            writes.await();
            prefix = names.keySet().iterator().next().replaceAll("\\d+$", "");
        }
        Poll.until("no worker is left", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith(prefix)));
        assertThat(prefix).endsWith("-closing-");
    }
}
