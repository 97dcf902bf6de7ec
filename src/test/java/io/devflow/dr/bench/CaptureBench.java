package io.devflow.dr.bench;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.MongoClientFactory;
import org.bson.RawBsonDocument;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The reading side of the capture benchmark, run against {@link StoreServers} while {@link ChangeWriter}
 * writes (both started by {@code bench/capture-throughput.sh} with the same {@code START}):
 * <pre>
 *   CaptureBench capture  CONFIG START SECONDS   a full backup first (where the chain starts), then at START
 *                                                 one incremental backup until START + SECONDS: the capture
 *                                                 worker's segment, through the whole pipeline, verify quick
 *   CaptureBench baseline CONFIG START SECONDS   a plain change stream on the same collection (the driver's
 *                                                 tryNext loop, full documents looked up as the capture does),
 *                                                 counted and dropped; it stops at the first empty poll
 *                                                 sent a second after the deadline
 * </pre>
 * Both count events as they arrive, sampled every {@value #SAMPLE_MS} ms, and print {@code RESULT mode=...
 * events=... eventsAtDeadline=... firstEventMs=... lastEventMs=... cpuSeconds=... peakHeapMiB=...
 * heapAfterGcMiB=... maxRssMiB=... gcSeconds=... perSecond=n,n,...}: times in epoch milliseconds; CPU is
 * this process's from START until the last event arrived (the capture's archive stages run meanwhile on the
 * same thread); {@code perSecond} the events that arrived in each second from START.
 */
public final class CaptureBench {

    private static final int SAMPLE_MS = 5;
    // the writer's last operations may still be on their way at the deadline; the capture closes its segment at
    // the oplog position read after the deadline, the baseline at the first empty poll sent this long after it
    private static final int SETTLE_MS = 1_000;
    private static final double MIB = 1024 * 1024;

    private CaptureBench() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: CaptureBench capture|baseline CONFIG START SECONDS");
            System.exit(2);
        }
        try {
            DrConfig config = ConfigLoader.system().load(Path.of(args[1]));
            long start = Long.parseLong(args[2]);
            long deadline = start + Long.parseLong(args[3]) * 1_000;
            switch (args[0]) {
                case "capture" -> capture(config, start, deadline);
                case "baseline" -> baseline(config, start, deadline);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Exception | OutOfMemoryError e) {
            e.printStackTrace();
            // Camel's, the driver's and the S3 client's threads would otherwise keep a failed run alive
            System.exit(1);
        }
    }

    private static void capture(DrConfig config, long start, long deadline) throws Exception {
        try (DrServices services = new DrServices(config);
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            long fullStarted = System.nanoTime();
            BackupRecord full = runtime.producer().requestBody("direct:backup", new BackupRequest(BackupType.FULL,
                    StoreKind.MONGODB, config.primaryRegion().id(), "bench"), BackupRecord.class);
            check(full);
            System.out.printf(Locale.ROOT, "full backup of %d documents in %.1f s%n", full.items(),
                    (System.nanoTime() - fullStarted) / 1e9);
            Progress progress = new Progress();
            Sampler sampler = new Sampler(progress::items, deadline);
            RunMeter meter = new RunMeter();
            meter.start();
            awaitStart(start);
            sampler.start();
            BackupRecord segment = runtime.producer().requestBody("direct:backup", new BackupRequest(BackupType.INCREMENTAL,
                    StoreKind.MONGODB, config.primaryRegion().id(), "bench", Instant.ofEpochMilli(deadline), progress),
                    BackupRecord.class);
            sampler.stop();
            RunMeter.Figures figures = meter.stop();
            check(segment);
            if (segment.items() != sampler.events()) {
                throw new IllegalStateException("the segment holds " + segment.items() + " events, the sampler saw "
                        + sampler.events() + " before the verifier reset the progress");
            }
            System.out.println(sampler.result("capture", figures,
                    String.format(Locale.ROOT, " storedMB=%.1f", segment.size() / 1e6)));
        }
    }

    private static void baseline(DrConfig config, long start, long deadline) throws Exception {
        AtomicLong events = new AtomicLong();
        Sampler sampler = new Sampler(events::get, deadline);
        try (MongoClient client = MongoClientFactory.create(config.primaryRegion().requireMongodb());
             MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor = client
                     .getDatabase(StoreServers.DATABASE).getCollection(StoreServers.COLLECTION, RawBsonDocument.class)
                     .watch().fullDocument(FullDocument.UPDATE_LOOKUP).cursor()) {
            RunMeter meter = new RunMeter();
            meter.start();
            awaitStart(start);
            sampler.start();
            while (true) {
                long polled = System.currentTimeMillis();
                ChangeStreamDocument<RawBsonDocument> event = cursor.tryNext();
                if (event != null) {
                    events.incrementAndGet();
                } else if (polled >= deadline + SETTLE_MS) {
                    break;
                }
            }
            sampler.stop();
            System.out.println(sampler.result("baseline", meter.stop(), ""));
        }
    }

    private static void awaitStart(long start) throws InterruptedException {
        long wait = start - System.currentTimeMillis();
        if (wait < 0) {
            throw new IllegalStateException("set-up ended " + -wait + " ms after the start: give a longer lead");
        }
        System.out.println("set-up done " + wait + " ms before the start");
        Thread.sleep(wait);
    }

    private static void check(BackupRecord record) {
        if (!record.isCompleted()) {
            throw new IllegalStateException("backup " + record.id() + " " + record.status() + ": " + record.error());
        }
    }

    /** Watches an event counter from another thread: when events arrived, how many by the deadline, and the CPU. */
    private static final class Sampler {
        private final LongSupplier counter;
        private final long deadline;
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final Thread thread = new Thread(this::run, "capture-bench-sampler");
        private volatile boolean running = true;
        private long events;
        private long atDeadline = -1;
        private long firstEvent;
        private long lastEvent;
        private long cpuAtStart;
        private long cpuAtLastEvent;
        private long startMs;
        private final List<Long> perSecond = new ArrayList<>();

        Sampler(LongSupplier counter, long deadline) {
            this.counter = counter;
            this.deadline = deadline;
            thread.setDaemon(true);
        }

        void start() {
            startMs = System.currentTimeMillis();
            cpuAtStart = os.getProcessCpuTime();
            cpuAtLastEvent = cpuAtStart;
            thread.start();
        }

        private void run() {
            while (running) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            long now = System.currentTimeMillis();
            long count = counter.getAsLong();
            // only growth counts: the verifier restarts the backup's progress at zero once the segment is written
            if (count > events) {
                int second = (int) ((now - startMs) / 1_000);
                while (perSecond.size() <= second) {
                    perSecond.add(events);
                }
                perSecond.set(second, count);
                firstEvent = events == 0 ? now : firstEvent;
                lastEvent = now;
                cpuAtLastEvent = os.getProcessCpuTime();
                events = count;
            }
            if (atDeadline < 0 && now >= deadline) {
                atDeadline = count;
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            sample();
        }

        long events() {
            return events;
        }

        String result(String mode, RunMeter.Figures f, String extra) {
            return String.format(Locale.ROOT, "RESULT mode=%s events=%d eventsAtDeadline=%d firstEventMs=%d lastEventMs=%d "
                            + "cpuSeconds=%.2f peakHeapMiB=%.0f heapAfterGcMiB=%.0f maxRssMiB=%.0f gcSeconds=%.2f%s perSecond=%s",
                    mode, events, atDeadline < 0 ? events : atDeadline, firstEvent, lastEvent,
                    (cpuAtLastEvent - cpuAtStart) / 1e9, f.peakHeapBytes() / MIB, f.heapAfterGcBytes() / MIB,
                    f.maxRssBytes() / MIB, f.gcSeconds(), extra, timeline());
        }

        /** Events that arrived in each second from the start, comma-separated. */
        private String timeline() {
            StringBuilder text = new StringBuilder();
            long before = 0;
            for (long total : perSecond) {
                text.append(text.length() == 0 ? "" : ",").append(total - before);
                before = total;
            }
            return text.toString();
        }
    }
}
