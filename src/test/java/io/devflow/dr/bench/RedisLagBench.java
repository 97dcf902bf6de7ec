package io.devflow.dr.bench;

import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The writer and the observer of the Redis case of {@code bench/replication-lag.sh --store redis}; the servers
 * are {@link ReplicationServers} with {@code --store redis} and the replicating JVM is
 * {@code ReplicationLagBench replicate}, as for MongoDB.
 * <pre>
 *   RedisLagBench write CONFIG RATE START SECONDS OP_LOG
 *       SETs at RATE per second on the source region's database 0, over the keys bench:0 .. bench:(N-1) seeded by
 *       the servers (uniformly at random, so a key is often written again before it is read), every 10 ms the
 *       SETs then due in one pipeline; each value starts with its operation's number. Saves one line per
 *       operation: number, key, when its pipeline returned (epoch microseconds).
 *   RedisLagBench observe CONFIG REGION START SECONDS OP_LOG DRAIN_SECONDS
 *       the plain keyspace-notification reader: subscribed to REGION's notifications of those keys, it GETs each
 *       notified key (as replication reads a notified key at the source) and notes the operation number it
 *       shows and when the reply came. On the source that is the floor of the method; on the target it sees
 *       what replication wrote.
 * </pre>
 * <p>An operation is visible at the first read of its key that shows it or a later operation of that key. Lag =
 * visible − returned. The observer stops when every operation is visible, or DRAIN_SECONDS after the writer's
 * last write; it prints {@code RESULT mode=observe} with the same fields as the MongoDB observer, and its own
 * CPU from START to the end, which is the floor's CPU for the events it read.
 */
public final class RedisLagBench {

    static final String KEY_PREFIX = "bench:";
    static final int DATABASE = 0;

    private static final int TICK_MS = 10;
    private static final int MAX_BATCH = 10_000;
    private static final int VALUE_PADDING = 120;

    private RedisLagBench() {
    }

    public static void main(String[] args) {
        try {
            if (args.length == 6 && args[0].equals("write")) {
                DrConfig config = ConfigLoader.system().load(Path.of(args[1]));
                long start = Long.parseLong(args[3]);
                write(redisUrl(config, config.primaryRegion().id()), Integer.parseInt(args[2]), start,
                        start + Long.parseLong(args[4]) * 1_000, Path.of(args[5]));
            } else if (args.length == 7 && args[0].equals("observe")) {
                DrConfig config = ConfigLoader.system().load(Path.of(args[1]));
                long start = Long.parseLong(args[3]);
                new Observer(redisUrl(config, RegionId.of(args[2])), args[2], start,
                        start + Long.parseLong(args[4]) * 1_000, Path.of(args[5]), Long.parseLong(args[6]) * 1_000).run();
            } else {
                System.err.println("usage: RedisLagBench write CONFIG RATE START SECONDS OP_LOG\n"
                        + "       RedisLagBench observe CONFIG REGION START SECONDS OP_LOG DRAIN_SECONDS");
                System.exit(2);
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static String redisUrl(DrConfig config, RegionId region) {
        return config.region(region).orElseThrow().requireRedis().url().reveal();
    }

    static int seededKeys(Jedis jedis) {
        return Math.toIntExact(jedis.dbSize());
    }

    private static void write(String url, int rate, long start, long end, Path opLog) throws Exception {
        try (Jedis jedis = new Jedis(URI.create(url))) {
            jedis.select(DATABASE);
            int keys = seededKeys(jedis);
            Random random = new Random(start);
            String padding = "x".repeat(VALUE_PADDING);
            int[] opKeys = new int[1 << 16];
            long[] returned = new long[1 << 16];
            long[] roundTrips = new long[1 << 12];
            int batches = 0;
            int ops = 0;
            long firstWrite = 0;
            long lastWrite = 0;
            Thread.sleep(Math.max(0, start - System.currentTimeMillis()));
            for (long now = System.currentTimeMillis(); now < end; now = System.currentTimeMillis()) {
                int due = (int) Math.min(rate * (now - start) / 1_000 - ops, MAX_BATCH);
                if (due > 0) {
                    if (opKeys.length < ops + due) {
                        opKeys = Arrays.copyOf(opKeys, Math.max(ops + due, opKeys.length * 2));
                        returned = Arrays.copyOf(returned, opKeys.length);
                    }
                    long sent = System.nanoTime();
                    Pipeline pipeline = jedis.pipelined();
                    for (int i = 0; i < due; i++) {
                        int key = random.nextInt(keys);
                        opKeys[ops + i] = key;
                        pipeline.set(KEY_PREFIX + key, (ops + i + 1) + "|" + padding);
                    }
                    pipeline.sync();
                    long at = epochMicros();
                    Arrays.fill(returned, ops, ops + due, at);
                    if (roundTrips.length == batches) {
                        roundTrips = Arrays.copyOf(roundTrips, batches * 2);
                    }
                    roundTrips[batches++] = (System.nanoTime() - sent) / 1_000_000;
                    ops += due;
                    lastWrite = at / 1_000;
                    firstWrite = firstWrite == 0 ? lastWrite : firstWrite;
                }
                Thread.sleep(Math.max(0, TICK_MS - (System.currentTimeMillis() - now)));
            }
            Path pending = opLog.resolveSibling(opLog.getFileName() + ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(pending, StandardCharsets.US_ASCII)) {
                for (int i = 0; i < ops; i++) {
                    out.write((i + 1) + " " + opKeys[i] + " " + returned[i] + "\n");
                }
            }
            Files.move(pending, opLog, StandardCopyOption.ATOMIC_MOVE);
            long[] sorted = Arrays.copyOf(roundTrips, batches);
            Arrays.sort(sorted);
            double seconds = (end - start) / 1e3;
            System.out.printf(Locale.ROOT, "RESULT mode=writer rate=%d ops=%d keys=%d firstWriteMs=%d lastWriteMs=%d "
                            + "achievedRate=%.0f writeP50Ms=%d writeP99Ms=%d%n", rate, ops, keys, firstWrite, lastWrite,
                    ops / seconds, Observer.percentile(sorted, 50), Observer.percentile(sorted, 99));
        }
    }

    static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Notified keys read back, and the operations' visibility computed from what the reads showed. */
    private static final class Observer {
        private final String url;
        private final String region;
        private final long start;
        private final long deadline;
        private final Path opLog;
        private final long drainMs;
        private final BlockingQueue<String> notified = new LinkedBlockingQueue<>();
        // the reads, in order: key, the operation its value showed, when the reply came (epoch microseconds)
        private int[] readKeys = new int[1 << 16];
        private long[] readOps = new long[1 << 16];
        private long[] readTimes = new long[1 << 16];
        private int reads;
        private long events;

        Observer(String url, String region, long start, long deadline, Path opLog, long drainMs) {
            this.url = url;
            this.region = region;
            this.start = start;
            this.deadline = deadline;
            this.opLog = opLog;
            this.drainMs = drainMs;
        }

        void run() throws Exception {
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            String channel = "__keyspace@" + DATABASE + "__:";
            JedisPubSub subscriber = new JedisPubSub() {
                @Override
                public void onPMessage(String pattern, String ch, String message) {
                    notified.add(ch.substring(channel.length()));
                }
            };
            Jedis subscription = new Jedis(URI.create(url));
            Thread listener = new Thread(() -> subscription.psubscribe(subscriber, channel + KEY_PREFIX + "*"),
                    "redis-notifications");
            listener.setDaemon(true);
            try (Jedis reader = new Jedis(URI.create(url))) {
                reader.select(DATABASE);
                // what replication turns on anyway; here also for the baseline, which runs without it
                reader.configSet("notify-keyspace-events", "KA");
                listener.start();
                long wait = start - System.currentTimeMillis();
                if (wait < 0) {
                    throw new IllegalStateException("set-up ended " + -wait + " ms after the start: give a longer lead");
                }
                System.out.println("set-up done " + wait + " ms before the start");
                Thread.sleep(wait);
                long cpuAtStart = os.getProcessCpuTime();
                Visibility visibility = null;
                long lastWrite = Long.MAX_VALUE;
                while (true) {
                    readBatch(reader);
                    if (visibility == null && Files.exists(opLog)) {
                        visibility = Visibility.load(opLog);
                        lastWrite = visibility.lastReturnedMicros() / 1_000;
                    }
                    if (visibility != null && (visibility.advance(this) || System.currentTimeMillis() > lastWrite + drainMs)) {
                        break;
                    }
                    if (visibility == null && System.currentTimeMillis() > deadline + 10 * 60_000L) {
                        throw new IllegalStateException("no operation log from the writer 10 minutes after the window");
                    }
                }
                double cpu = (os.getProcessCpuTime() - cpuAtStart) / 1e9;
                subscriber.punsubscribe();
                System.out.println(visibility.result(region, events, cpu));
            }
        }

        /** Reads every key notified since the last batch (each once) in one pipeline, or waits briefly for one. */
        private void readBatch(Jedis reader) throws InterruptedException {
            String first = notified.poll(5, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            List<String> taken = new ArrayList<>();
            taken.add(first);
            notified.drainTo(taken);
            events += taken.size();
            Set<String> keys = new LinkedHashSet<>(taken);
            Pipeline pipeline = reader.pipelined();
            List<Response<String>> values = new ArrayList<>(keys.size());
            keys.forEach(k -> values.add(pipeline.get(k)));
            pipeline.sync();
            long at = epochMicros();
            int i = 0;
            for (String key : keys) {
                String value = values.get(i++).get();
                if (value == null) {
                    continue;
                }
                if (reads == readKeys.length) {
                    readKeys = Arrays.copyOf(readKeys, reads * 2);
                    readOps = Arrays.copyOf(readOps, reads * 2);
                    readTimes = Arrays.copyOf(readTimes, reads * 2);
                }
                readKeys[reads] = Integer.parseInt(key.substring(KEY_PREFIX.length()));
                readOps[reads] = Long.parseLong(value.substring(0, value.indexOf('|')));
                readTimes[reads] = at;
                reads++;
            }
        }

        static long percentile(long[] sorted, int p) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }

    /** The writer's operations by key, and when each became visible, advanced read by read. */
    private static final class Visibility {
        private final long[] returned;
        private final long[] visible;
        private final int[][] opsByKey;
        private final int[] next;
        private int seen;
        private int applied;

        private Visibility(long[] returned, int[][] opsByKey) {
            this.returned = returned;
            this.visible = new long[returned.length];
            this.opsByKey = opsByKey;
            this.next = new int[opsByKey.length];
        }

        static Visibility load(Path opLog) throws Exception {
            List<String> lines = Files.readAllLines(opLog, StandardCharsets.US_ASCII);
            long[] returned = new long[lines.size()];
            int[] keys = new int[lines.size()];
            int maxKey = 0;
            for (int i = 0; i < lines.size(); i++) {
                String[] f = lines.get(i).split(" ");
                keys[i] = Integer.parseInt(f[1]);
                returned[i] = Long.parseLong(f[2]);
                maxKey = Math.max(maxKey, keys[i]);
            }
            int[] counts = new int[maxKey + 1];
            for (int k : keys) {
                counts[k]++;
            }
            int[][] byKey = new int[maxKey + 1][];
            for (int k = 0; k <= maxKey; k++) {
                byKey[k] = new int[counts[k]];
                counts[k] = 0;
            }
            for (int op = 0; op < keys.length; op++) {
                byKey[keys[op]][counts[keys[op]]++] = op;
            }
            return new Visibility(returned, byKey);
        }

        long lastReturnedMicros() {
            return returned.length == 0 ? 0 : returned[returned.length - 1];
        }

        /** Takes in the observer's reads since the last call; true when every operation is visible. */
        boolean advance(Observer observer) {
            for (; applied < observer.reads; applied++) {
                int key = observer.readKeys[applied];
                if (key >= opsByKey.length) {
                    continue;
                }
                int[] ops = opsByKey[key];
                // operation numbers are 1-based in the values, 0-based here
                while (next[key] < ops.length && ops[next[key]] + 1 <= observer.readOps[applied]) {
                    visible[ops[next[key]]] = observer.readTimes[applied];
                    next[key]++;
                    seen++;
                }
            }
            return seen == returned.length;
        }

        String result(String region, long events, double cpu) {
            long[] lags = new long[seen];
            int n = 0;
            long first = returned.length == 0 ? 0 : returned[0];
            List<List<Long>> buckets = new ArrayList<>();
            for (int op = 0; op < returned.length; op++) {
                if (visible[op] == 0) {
                    continue;
                }
                long lag = Math.round((visible[op] - returned[op]) / 1e3);
                lags[n++] = lag;
                int bucket = (int) ((returned[op] - first) / 5_000_000L);
                while (buckets.size() <= bucket) {
                    buckets.add(new ArrayList<>());
                }
                buckets.get(bucket).add(lag);
            }
            long[] sorted = Arrays.copyOf(lags, n);
            Arrays.sort(sorted);
            StringBuilder timeline = new StringBuilder();
            for (List<Long> bucket : buckets) {
                long[] b = bucket.stream().mapToLong(Long::longValue).sorted().toArray();
                timeline.append(timeline.length() == 0 ? "" : ",").append(b.length == 0 ? "-" : Long.toString(Observer.percentile(b, 99)));
            }
            return String.format(Locale.ROOT, "RESULT mode=observe region=%s ops=%d visible=%d missing=%d coalesced=0 "
                            + "p50Ms=%d p90Ms=%d p99Ms=%d maxMs=%d events=%d cpuSeconds=%.2f lagP99By5s=%s",
                    region, returned.length, n, returned.length - n, Observer.percentile(sorted, 50),
                    Observer.percentile(sorted, 90), Observer.percentile(sorted, 99), n == 0 ? 0 : sorted[n - 1], events,
                    cpu, timeline);
        }
    }
}
