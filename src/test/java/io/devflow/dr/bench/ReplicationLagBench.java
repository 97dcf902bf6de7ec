package io.devflow.dr.bench;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.UpdateDescription;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.region.MongoClientFactory;
import io.devflow.dr.replication.ReplicationProgress;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two processes of the replication-lag benchmark besides the servers ({@link ReplicationServers}) and the
 * writer ({@link ChangeWriter} with an operation log), all started by {@code bench/replication-lag.sh} with the
 * same {@code START}:
 * <pre>
 *   ReplicationLagBench replicate CONFIG START DONE_FILE [KEY=VALUE...]
 *       the measured side: dr server's runtime (DrServices, DrRuntime SERVER, the given Camel properties,
 *       none by default, as dr server passes none) replicating the source region to the target; waits until
 *       the initial sync is done and the change streams are followed, then runs until DONE_FILE exists
 *   ReplicationLagBench observe CONFIG REGION START SECONDS OP_LOG DRAIN_SECONDS
 *       a change stream on the collection in REGION (the target: replication's lag; the source: the baseline,
 *       the floor of this way of measuring), full documents looked up as replication reads the source, each
 *       event noted with its arrival time; after the writer's
 *       operation log appears, until every operation is visible or DRAIN_SECONDS after the writer's last write
 * </pre>
 * <p>When an operation is visible: an event whose full document carries the stamp {@value ChangeWriter#STAMP}
 * = n shows the document's state after its operation n (an update's looked-up document may already show a later
 * operation: then that one is visible too), so that event makes operation n and the document's earlier operations visible (replication
 * coalesces the changes of one document within a batch, and a target's document is written as a delete and an
 * insert). A deletion is visible at the first delete event of the document after the last stamped one. The lag
 * of an operation is the time it became visible minus the time the writer's bulk write that held it returned:
 * slightly negative when the event was read before the reply reached the writer.
 * <p>The observer prints {@code RESULT mode=observe region=... ops=... visible=... missing=... coalesced=... p50Ms=...
 * p90Ms=... p99Ms=... maxMs=... deleteP99Ms=... events=... unstamped=... cpuSeconds=... lagP99By5s=n,n,...}
 * (the last: the p99 of the operations written in each 5 s of the window); the replicator prints
 * {@code RESULT mode=replicate applied=... cpuSeconds=... peakHeapMiB=... heapAfterGcMiB=... maxRssMiB=...
 * gcSeconds=...} (CPU of the whole process from START until DONE_FILE appeared).
 */
public final class ReplicationLagBench {

    // sleep between empty polls of the observer's change stream: the resolution of the measurement. Every
    // getMore on mongo-java-server's oplog scans the whole oplog, so a tighter loop would load the server.
    private static final int IDLE_SLEEP_MS = 5;
    private static final double MIB = 1024 * 1024;
    private static final long DELETED = -1;
    private static final long COALESCED = -1;

    private ReplicationLagBench() {
    }

    public static void main(String[] args) {
        try {
            if (args.length >= 4 && args[0].equals("replicate")) {
                Map<String, String> properties = new LinkedHashMap<>();
                for (int i = 4; i < args.length; i++) {
                    int eq = args[i].indexOf('=');
                    properties.put(args[i].substring(0, eq), args[i].substring(eq + 1));
                }
                replicate(ConfigLoader.system().load(Path.of(args[1])), Long.parseLong(args[2]), Path.of(args[3]),
                        properties);
            } else if (args.length == 7 && args[0].equals("observe")) {
                long start = Long.parseLong(args[3]);
                new Observer(ConfigLoader.system().load(Path.of(args[1])), RegionId.of(args[2]), start,
                        start + Long.parseLong(args[4]) * 1_000, Path.of(args[5]), Long.parseLong(args[6]) * 1_000).run();
            } else {
                System.err.println("usage: ReplicationLagBench replicate CONFIG START DONE_FILE [KEY=VALUE...]\n"
                        + "       ReplicationLagBench observe CONFIG REGION START SECONDS OP_LOG DRAIN_SECONDS");
                System.exit(2);
            }
        } catch (Exception | OutOfMemoryError e) {
            e.printStackTrace();
            // Camel's, the driver's and the S3 client's threads would otherwise keep a failed run alive
            System.exit(1);
        }
        System.exit(0);
    }

    private static void replicate(DrConfig config, long start, Path done, Map<String, String> properties) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long began = System.nanoTime();
        try (DrServices services = new DrServices(config);
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, properties)) {
            ReplicationProgress progress = services.replication().orElseThrow().progress(
                    Direction.of(ReplicationServers.SOURCE, ReplicationServers.TARGET),
                    config.replication().orElseThrow().stores().iterator().next());
            while (progress.phase() != ReplicationProgress.Phase.STREAMING) {
                if (System.currentTimeMillis() > start) {
                    throw new IllegalStateException("replication not streaming at the start (phase " + progress.phase()
                            + ", " + progress.lastError() + "): give a longer lead");
                }
                Thread.sleep(50);
            }
            System.out.printf(Locale.ROOT, "streaming %.1f s after the JVM began, %d documents copied%n",
                    (System.nanoTime() - began) / 1e9, progress.appliedCount());
            long appliedBefore = progress.appliedCount();
            RunMeter meter = new RunMeter();
            meter.start();
            awaitStart(start);
            long cpuAtStart = os.getProcessCpuTime();
            while (!Files.exists(done)) {
                Thread.sleep(50);
            }
            long cpu = os.getProcessCpuTime() - cpuAtStart;
            RunMeter.Figures f = meter.stop();
            System.out.println(String.format(Locale.ROOT, "RESULT mode=replicate applied=%d cpuSeconds=%.2f "
                            + "peakHeapMiB=%.0f heapAfterGcMiB=%.0f maxRssMiB=%.0f gcSeconds=%.2f consecutiveErrors=%d",
                    progress.appliedCount() - appliedBefore, cpu / 1e9, f.peakHeapBytes() / MIB,
                    f.heapAfterGcBytes() / MIB, f.maxRssBytes() / MIB, f.gcSeconds(), progress.consecutiveErrors()));
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

    /** The change stream of one region's collection, and the operations' visibility computed from it. */
    private static final class Observer {
        private final DrConfig config;
        private final RegionId region;
        private final long start;
        private final long deadline;
        private final Path opLog;
        private final long drainMs;
        // the events, in arrival order: document, stamp (or DELETED, or 0: none), arrival time
        private final List<BsonValue> eventIds = new ArrayList<>();
        private long[] eventStamps = new long[1 << 16];
        private long[] eventTimes = new long[1 << 16];
        private int events;
        private int unstamped;

        // the writer's operations, numbered from 1
        private int ops;
        private char[] kinds;
        private long[] returned;
        private final Map<BsonValue, List<Integer>> opsByDocument = new HashMap<>();
        private long lastWrite;

        Observer(DrConfig config, RegionId region, long start, long deadline, Path opLog, long drainMs) {
            this.config = config;
            this.region = region;
            this.start = start;
            this.deadline = deadline;
            this.opLog = opLog;
            this.drainMs = drainMs;
        }

        void run() throws Exception {
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (MongoClient client = MongoClientFactory.create(config.region(region).orElseThrow().requireMongodb());
                 MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor = client
                         .getDatabase(StoreServers.DATABASE).getCollection(StoreServers.COLLECTION, RawBsonDocument.class)
                         .watch().fullDocument(FullDocument.UPDATE_LOOKUP).cursor()) {
                awaitStart(start);
                long cpuAtStart = os.getProcessCpuTime();
                long nextCheck = 0;
                long[] visible = null;
                while (true) {
                    ChangeStreamDocument<RawBsonDocument> event = cursor.tryNext();
                    long now = System.currentTimeMillis();
                    if (event != null) {
                        note(event, now);
                        continue;
                    }
                    if (now >= deadline && now >= nextCheck) {
                        nextCheck = now + 500;
                        if (kinds == null && Files.exists(opLog)) {
                            load();
                        }
                        if (kinds != null) {
                            visible = visibility();
                            if (missing(visible) == 0 || now > lastWrite + drainMs) {
                                break;
                            }
                        } else if (now > deadline + 60_000) {
                            throw new IllegalStateException("no operation log from the writer at " + opLog);
                        }
                    }
                    Thread.sleep(IDLE_SLEEP_MS);
                }
                double cpu = (os.getProcessCpuTime() - cpuAtStart) / 1e9;
                System.out.println(result(visible, cpu));
            }
        }

        private void note(ChangeStreamDocument<RawBsonDocument> event, long now) {
            String op = event.getOperationTypeString();
            BsonValue id = event.getDocumentKey() == null ? null : event.getDocumentKey().get("_id");
            long stamp = 0;
            if ("delete".equals(op)) {
                stamp = DELETED;
            } else {
                RawBsonDocument full = event.getFullDocument();
                if (full != null) {
                    stamp = stampOf(full);
                    if (id == null) {
                        id = full.get("_id");
                    }
                }
                UpdateDescription update = event.getUpdateDescription();
                if (stamp == 0 && update != null && update.getUpdatedFields() != null) {
                    stamp = stampOf(update.getUpdatedFields());
                }
            }
            if (id == null || stamp == 0) {
                unstamped++;
                return;
            }
            if (events == eventTimes.length) {
                eventTimes = Arrays.copyOf(eventTimes, events * 2);
                eventStamps = Arrays.copyOf(eventStamps, events * 2);
            }
            eventIds.add(id);
            eventStamps[events] = stamp;
            eventTimes[events] = now;
            events++;
        }

        private static long stampOf(BsonDocument document) {
            BsonValue stamp = document.get(ChangeWriter.STAMP);
            if (stamp == null && document.get("$set") instanceof BsonDocument set) {
                stamp = set.get(ChangeWriter.STAMP);
            }
            return stamp != null && stamp.isNumber() ? stamp.asNumber().longValue() : 0;
        }

        private void load() throws Exception {
            List<String> lines = Files.readAllLines(opLog);
            ops = lines.size();
            kinds = new char[ops + 1];
            returned = new long[ops + 1];
            for (String line : lines) {
                String[] parts = line.split(" ");
                int number = Integer.parseInt(parts[0]);
                kinds[number] = parts[1].charAt(0);
                // the id is JSON without spaces for ObjectIds; rejoin in case
                String json = String.join(" ", Arrays.copyOfRange(parts, 2, parts.length - 1));
                returned[number] = Long.parseLong(parts[parts.length - 1]);
                opsByDocument.computeIfAbsent(BsonDocument.parse(json).get("_id"), k -> new ArrayList<>()).add(number);
                lastWrite = Math.max(lastWrite, returned[number]);
            }
        }

        /** Per operation, when it became visible (0: not yet). */
        private long[] visibility() {
            long[] visible = new long[ops + 1];
            Map<BsonValue, List<Integer>> eventsByDocument = new HashMap<>();
            for (int e = 0; e < events; e++) {
                if (opsByDocument.containsKey(eventIds.get(e))) {
                    eventsByDocument.computeIfAbsent(eventIds.get(e), k -> new ArrayList<>()).add(e);
                }
            }
            // a document inserted and deleted within the window may never reach the target: replication keeps
            // only a record's last change per batch, and deletes on the target only what is there
            for (Map.Entry<BsonValue, List<Integer>> entry : opsByDocument.entrySet()) {
                List<Integer> docOps = entry.getValue();
                if (!eventsByDocument.containsKey(entry.getKey()) && kinds[docOps.get(0)] == 'I'
                        && kinds[docOps.get(docOps.size() - 1)] == 'D') {
                    docOps.forEach(op -> visible[op] = COALESCED);
                }
            }
            for (Map.Entry<BsonValue, List<Integer>> entry : eventsByDocument.entrySet()) {
                List<Integer> docOps = opsByDocument.get(entry.getKey());
                int next = 0;
                int lastStamped = -1;
                for (int e : entry.getValue()) {
                    long stamp = eventStamps[e];
                    if (stamp == DELETED) {
                        continue;
                    }
                    lastStamped = e;
                    while (next < docOps.size() && docOps.get(next) <= stamp && kinds[docOps.get(next)] != 'D') {
                        visible[docOps.get(next)] = eventTimes[e];
                        next++;
                    }
                }
                if (next < docOps.size() && kinds[docOps.get(docOps.size() - 1)] == 'D') {
                    for (int e : entry.getValue()) {
                        if (e > lastStamped && eventStamps[e] == DELETED) {
                            for (int i = next; i < docOps.size(); i++) {
                                visible[docOps.get(i)] = eventTimes[e];
                            }
                            break;
                        }
                    }
                }
            }
            return visible;
        }

        private int missing(long[] visible) {
            int missing = 0;
            for (int i = 1; i <= ops; i++) {
                if (visible[i] == 0) {
                    missing++;
                }
            }
            return missing;
        }

        private String result(long[] visible, double cpu) {
            long[] lags = new long[ops];
            long[] deleteLags = new long[ops];
            int n = 0;
            int deletes = 0;
            int buckets = (int) ((deadline - start + 4_999) / 5_000);
            List<List<Long>> byBucket = new ArrayList<>();
            for (int b = 0; b < buckets; b++) {
                byBucket.add(new ArrayList<>());
            }
            int coalesced = 0;
            for (int i = 1; i <= ops; i++) {
                if (visible[i] == COALESCED) {
                    coalesced++;
                }
                if (visible[i] <= 0) {
                    continue;
                }
                long lag = visible[i] - returned[i];
                lags[n++] = lag;
                if (kinds[i] == 'D') {
                    deleteLags[deletes++] = lag;
                }
                int bucket = (int) Math.min(buckets - 1, Math.max(0, (returned[i] - start) / 5_000));
                byBucket.get(bucket).add(lag);
            }
            long[] sorted = Arrays.copyOf(lags, n);
            Arrays.sort(sorted);
            long[] sortedDeletes = Arrays.copyOf(deleteLags, deletes);
            Arrays.sort(sortedDeletes);
            StringBuilder timeline = new StringBuilder();
            for (List<Long> bucket : byBucket) {
                long[] b = bucket.stream().mapToLong(Long::longValue).sorted().toArray();
                timeline.append(timeline.length() == 0 ? "" : ",").append(b.length == 0 ? "-" : Long.toString(percentile(b, 99)));
            }
            return String.format(Locale.ROOT, "RESULT mode=observe region=%s ops=%d visible=%d missing=%d coalesced=%d "
                            + "p50Ms=%d p90Ms=%d p99Ms=%d maxMs=%d deleteP99Ms=%d events=%d unstamped=%d cpuSeconds=%.2f "
                            + "lagP99By5s=%s",
                    region.value(), ops, n, ops - n - coalesced, coalesced, percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                    n == 0 ? 0 : sorted[n - 1], percentile(sortedDeletes, 99), events, unstamped, cpu, timeline);
        }

        /** The nearest-rank percentile of sorted values (0 when there are none). */
        private static long percentile(long[] sorted, int p) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }
}
