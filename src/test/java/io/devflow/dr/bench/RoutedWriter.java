package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.devflow.dr.support.Json;
import org.bson.Document;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The application of the failover benchmark: inserts into {@value #DATABASE}.{@value #COLLECTION} at a steady
 * rate, each document's {@code _id} its sequence number, in the region the routing file names (the configured
 * primary while there is no file; nothing while the file says {@code draining}), as a service behind a proxy that
 * reads that file would. It keeps every acknowledged write (number, region, when the reply came) and when it saw
 * each change of the routing file; a write that failed is not acknowledged and its number is not used again.
 */
final class RoutedWriter implements AutoCloseable {

    static final String DATABASE = "bench";
    static final String COLLECTION = "writes";

    /** One change of the routing file as the writer saw it: the region it names (null: draining), when. */
    record Seen(String region, long atMs) {
    }

    private final Path routingFile;
    private final Map<String, MongoCollection<Document>> regions = new LinkedHashMap<>();
    private final List<MongoClient> clients = new ArrayList<>();
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean running = true;

    private final Object lock = new Object();
    private long[] acked = new long[1 << 16];
    private long[] ackedAt = new long[1 << 16];
    private byte[] ackedRegion = new byte[1 << 16];
    private int ackedCount;
    private long failed;
    private final List<String> names = new ArrayList<>();
    private final List<Seen> seen = new ArrayList<>();

    /** @param urls each region's MongoDB, the configured primary first */
    RoutedWriter(Path routingFile, Map<String, String> urls, int ratePerSecond) {
        this.routingFile = routingFile;
        for (Map.Entry<String, String> region : urls.entrySet()) {
            // short timeouts: a stopped store fails a write within a second, as an application's would
            MongoClient client = MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(region.getValue()))
                    .applyToClusterSettings(c -> c.serverSelectionTimeout(500, TimeUnit.MILLISECONDS))
                    .applyToSocketSettings(s -> s.connectTimeout(500, TimeUnit.MILLISECONDS).readTimeout(2, TimeUnit.SECONDS))
                    .build());
            clients.add(client);
            regions.put(region.getKey(), client.getDatabase(DATABASE).getCollection(COLLECTION));
            names.add(region.getKey());
        }
        this.periodNanos = 1_000_000_000L / ratePerSecond;
        this.thread = new Thread(this::run, "routed-writer");
    }

    void start() {
        thread.start();
    }

    private void run() {
        String primary = names.get(0);
        byte[] lastBytes = null;
        String target = primary;
        long seq = 0;
        long next = System.nanoTime();
        while (running) {
            byte[] bytes = readRouting();
            if (!Arrays.equals(bytes, lastBytes)) {
                lastBytes = bytes;
                target = routedRegion(bytes, primary);
                synchronized (lock) {
                    seen.add(new Seen(target, System.currentTimeMillis()));
                }
            }
            if (target != null) {
                seq++;
                try {
                    regions.get(target).insertOne(new Document("_id", seq).append("region", target)
                            .append("at", new Date()));
                    acknowledged(seq, names.indexOf(target), System.currentTimeMillis());
                } catch (RuntimeException e) {
                    synchronized (lock) {
                        failed++;
                    }
                }
            }
            next += periodNanos;
            long now = System.nanoTime();
            if (now - next > 100_000_000L) {
                // a write that hung (a stopped store) is not made up for by a burst
                next = now;
            }
            LockSupport.parkNanos(next - now);
        }
    }

    private byte[] readRouting() {
        try {
            return Files.readAllBytes(routingFile);
        } catch (NoSuchFileException e) {
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String routedRegion(byte[] bytes, String primary) {
        if (bytes == null) {
            return primary;
        }
        try {
            JsonNode routing = Json.MAPPER.readTree(bytes);
            return "draining".equals(routing.path("state").asText()) ? null : routing.path("activeRegion").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the routing file is not JSON: " + e.getMessage(), e);
        }
    }

    private void acknowledged(long seq, int region, long at) {
        synchronized (lock) {
            if (ackedCount == acked.length) {
                acked = Arrays.copyOf(acked, ackedCount * 2);
                ackedAt = Arrays.copyOf(ackedAt, ackedCount * 2);
                ackedRegion = Arrays.copyOf(ackedRegion, ackedCount * 2);
            }
            acked[ackedCount] = seq;
            ackedAt[ackedCount] = at;
            ackedRegion[ackedCount] = (byte) region;
            ackedCount++;
        }
    }

    /** The numbers of the writes the region acknowledged within [fromMs, toMs). */
    List<Long> acknowledged(String region, long fromMs, long toMs) {
        int index = names.indexOf(region);
        List<Long> out = new ArrayList<>();
        synchronized (lock) {
            for (int i = 0; i < ackedCount; i++) {
                if (ackedRegion[i] == index && ackedAt[i] >= fromMs && ackedAt[i] < toMs) {
                    out.add(acked[i]);
                }
            }
        }
        return out;
    }

    /** The newest write the region acknowledged, or 0. */
    long lastAcknowledged(String region) {
        int index = names.indexOf(region);
        synchronized (lock) {
            for (int i = ackedCount - 1; i >= 0; i--) {
                if (ackedRegion[i] == index) {
                    return acked[i];
                }
            }
        }
        return 0;
    }

    /** The longest time within [fromMs, toMs] between two acknowledged writes (or an end of the span). */
    long longestGapMs(long fromMs, long toMs) {
        long previous = fromMs;
        long longest = 0;
        synchronized (lock) {
            for (int i = 0; i < ackedCount; i++) {
                if (ackedAt[i] < fromMs || ackedAt[i] > toMs) {
                    continue;
                }
                longest = Math.max(longest, ackedAt[i] - previous);
                previous = ackedAt[i];
            }
        }
        return Math.max(longest, toMs - previous);
    }

    /** When the writer first saw the routing file name {@code region} as active at or after {@code fromMs}; 0: not yet. */
    long routedAt(String region, long fromMs) {
        synchronized (lock) {
            return seen.stream().filter(s -> region.equals(s.region()) && s.atMs() >= fromMs)
                    .mapToLong(Seen::atMs).findFirst().orElse(0);
        }
    }

    long acknowledgedCount() {
        synchronized (lock) {
            return ackedCount;
        }
    }

    long failedCount() {
        synchronized (lock) {
            return failed;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        clients.forEach(MongoClient::close);
    }
}
