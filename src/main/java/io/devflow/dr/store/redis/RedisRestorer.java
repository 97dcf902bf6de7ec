package io.devflow.dr.store.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.store.ParallelWrites;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Writes keys back with RESTORE ... REPLACE, pipelined in batches that a few workers send at once, each on
 * its own connection, each key with the time it had left to live (keys whose expiry has passed since the
 * backup are not restored). A backup holds every key once, so the order of the batches does not matter.
 */
public final class RedisRestorer implements StoreOperations.Restorer {

    private static final int BATCH = 1_000;
    private static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

    private final RedisConnections connections;
    private final UnaryOperator<String> databaseMapping;
    private final Clock clock;
    private final ParallelWrites writes;
    private final Map<String, Long> written = new LinkedHashMap<>();
    // Jedis is not thread-safe: one connection per worker thread, switched between databases as sections change
    private final Map<Thread, Jedis> open = new ConcurrentHashMap<>();
    private final AtomicLong expired = new AtomicLong();
    private List<RedisEntry> batch = new ArrayList<>();
    private int batchBytes;
    private int database;
    private String target;

    public RedisRestorer(RedisConnections connections, UnaryOperator<String> databaseMapping, Clock clock, int workers) {
        this.connections = connections;
        this.databaseMapping = databaseMapping;
        this.clock = clock;
        this.writes = new ParallelWrites("redis", workers);
    }

    @Override
    public void sectionStart(String name, ObjectNode metadata) {
        int source = metadata.path("database").asInt();
        String mapped = databaseMapping.apply(Integer.toString(source));
        try {
            database = Integer.parseInt(mapped);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Redis databases are numbers; cannot restore database " + source
                    + " into '" + mapped + "'");
        }
        // fails here, before any write, when the database does not exist on the target
        int checked = database;
        Remote.run("connecting to " + connections.display() + " database " + checked,
                () -> connections.open(checked).close());
        target = RedisSnapshotSource.section(database);
        synchronized (written) {
            written.putIfAbsent(target, 0L);
        }
    }

    @Override
    public void item(byte[] bytes) {
        RedisEntry entry = RedisEntry.decode(bytes);
        batch.add(entry);
        batchBytes += bytes.length;
        if (batch.size() >= BATCH || batchBytes >= MAX_BATCH_BYTES) {
            flush();
        }
    }

    @Override
    public void sectionEnd(SectionSummary summary) {
        flush();
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<RedisEntry> entries = batch;
        int into = database;
        String section = target;
        batch = new ArrayList<>();
        batchBytes = 0;
        writes.submit(() -> {
            int restored = write(entries, into, section);
            synchronized (written) {
                written.merge(section, (long) restored, Long::sum);
            }
        });
    }

    private int write(List<RedisEntry> entries, int into, String section) {
        long now = clock.millis();
        List<Response<String>> replies = new ArrayList<>(entries.size());
        Remote.run("restoring " + entries.size() + " keys into " + connections.display() + " " + section, () -> {
            replies.clear();
            Jedis jedis = connection(into);
            Pipeline pipeline = jedis.pipelined();
            for (RedisEntry entry : entries) {
                long ttl = 0;
                if (entry.expireAtMillis() != RedisEntry.NO_EXPIRY) {
                    ttl = entry.expireAtMillis() - now;
                    if (ttl <= 0) {
                        continue;
                    }
                }
                replies.add(pipeline.restore(entry.key(), ttl, entry.dump(), RestoreParams.restoreParams().replace()));
            }
            pipeline.sync();
        });
        for (Response<String> reply : replies) {
            try {
                reply.get();
            } catch (JedisDataException e) {
                throw new IllegalStateException(connections.display() + " refused a restored key: " + e.getMessage()
                        + " (is the target Redis older than the one backed up?)", e);
            }
        }
        expired.addAndGet(entries.size() - replies.size());
        return replies.size();
    }

    private Jedis connection(int into) {
        Jedis jedis = open.get(Thread.currentThread());
        if (jedis != null && jedis.isBroken()) {
            open.remove(Thread.currentThread());
            jedis.close();
            jedis = null;
        }
        if (jedis == null) {
            jedis = connections.open(into);
            open.put(Thread.currentThread(), jedis);
        } else if (jedis.getDB() != into) {
            jedis.select(into);
        }
        return jedis;
    }

    @Override
    public StoreOperations.RestoreResult result() {
        try {
            writes.await();
        } finally {
            close();
        }
        long skipped = expired.get();
        List<String> warnings = skipped == 0 ? List.of()
                : List.of(skipped + " keys expired since the backup and were not restored");
        synchronized (written) {
            return new StoreOperations.RestoreResult(Map.copyOf(written), skipped, warnings);
        }
    }

    @Override
    public void close() {
        writes.close();
        open.values().forEach(Jedis::close);
        open.clear();
    }
}
