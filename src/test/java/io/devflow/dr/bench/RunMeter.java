package io.devflow.dr.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Wall time, heap and GC of one measured run inside this JVM.
 * <p>
 * Peak heap is the sum of each heap pool's peak since {@link #start()}. The pools peak at different moments,
 * so the sum is an upper bound of the heap ever in use at once (with G1 it is close to the committed heap
 * when the young generation was allowed to grow). Heap after GC is the most the collector left in use after
 * any collection during the run: the retained data plus old garbage not yet due; it is what a smaller
 * {@code -Xmx} would have to hold. The peak resident set ({@code VmHWM}) covers the whole
 * process since it started: heap, metaspace, thread stacks, direct and native buffers (zstd's among them).
 */
final class RunMeter {

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();
    private final Set<String> heapPoolNames = heapPools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final NotificationListener afterGc = (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo
                    .from((CompositeData) notification.getUserData()).getGcInfo().getMemoryUsageAfterGc();
            long used = after.entrySet().stream().filter(e -> heapPoolNames.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().getUsed()).sum();
            maxAfterGc.accumulateAndGet(used, Math::max);
        }
    };
    private long startedNanos;
    private long gcCountAtStart;
    private long gcMillisAtStart;

    /** What one run measured. */
    record Figures(double seconds, long peakHeapBytes, long heapAfterGcBytes, long gcCount, double gcSeconds,
                   long maxRssBytes) {
    }

    void start() {
        // start from a collected heap, so that the peaks belong to the run and not to the set-up before it
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        maxAfterGc.set(0);
        collectors.forEach(c -> ((NotificationEmitter) c).addNotificationListener(afterGc, null, null));
        gcCountAtStart = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        gcMillisAtStart = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        startedNanos = System.nanoTime();
    }

    Figures stop() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        for (GarbageCollectorMXBean c : collectors) {
            try {
                ((NotificationEmitter) c).removeNotificationListener(afterGc);
            } catch (ListenerNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        long peakHeap = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long gcCount = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum() - gcCountAtStart;
        long gcMillis = collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum() - gcMillisAtStart;
        return new Figures(seconds, peakHeap, maxAfterGc.get(), gcCount, gcMillis / 1e3, maxRss());
    }

    /** {@code VmHWM} from {@code /proc/self/status}, or -1 where there is no such file. */
    private static long maxRss() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            return Files.readAllLines(status).stream()
                    .filter(line -> line.startsWith("VmHWM:"))
                    .map(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
                    .findFirst()
                    .orElse(-1L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
