package io.devflow.dr.catalog;

import io.devflow.dr.support.RemoteOperationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogReadsTest {

    @Test
    void shouldKeepTheItemsOrderWhileReadingSeveralAtOnce() throws InterruptedException {
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch together = new CountDownLatch(2);

        List<String> read = CatalogReads.each(items, item -> {
            threads.add(Thread.currentThread().getName());
            if (item < 2) {
                together.countDown();
                awaitQuietly(together);
            }
            return "read " + item;
        });

        assertThat(read).containsExactlyElementsOf(items.stream().map(i -> "read " + i).toList());
        assertThat(together.getCount()).as("the first two reads were under way at the same time").isZero();
        assertThat(threads).allMatch(name -> name.startsWith("dr-catalog-read-"));
    }

    @Test
    void shouldThrowTheFirstFailureAsItWasRaised() {
        RemoteOperationException unreachable = new RemoteOperationException("s3://backups: connection refused", null, true);

        assertThatThrownBy(() -> CatalogReads.each(List.of(1, 2, 3), item -> {
            if (item == 2) {
                throw unreachable;
            }
            return item;
        })).isSameAs(unreachable);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReadInTheCallingThreadWhenCalledFromOneOfItsReads() {
        List<Integer> outer = IntStream.range(0, CatalogReads.PARALLEL * 2).boxed().toList();

        List<Integer> sums = CatalogReads.each(outer, item -> CatalogReads.each(List.of(item, item, item), i -> i)
                .stream().mapToInt(Integer::intValue).sum());

        assertThat(sums).containsExactlyElementsOf(outer.stream().map(i -> i * 3).toList());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
