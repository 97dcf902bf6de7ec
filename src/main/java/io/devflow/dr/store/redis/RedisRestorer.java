package io.devflow.dr.store.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.SectionSummary;
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
import java.util.function.UnaryOperator;

/**
 * Writes keys back with RESTORE ... REPLACE, pipelined in batches, each with the time it had left to live
 * (keys whose expiry has passed since the backup are not restored).
 */
public final class RedisRestorer implements StoreOperations.Restorer {

    private static final int BATCH = 500;

    private final RedisConnections connections;
    private final UnaryOperator<String> databaseMapping;
    private final Clock clock;
    private final Map<String, Long> written = new LinkedHashMap<>();
    private final List<RedisEntry> batch = new ArrayList<>();
    private Jedis jedis;
    private String target;
    private long expired;

    public RedisRestorer(RedisConnections connections, UnaryOperator<String> databaseMapping, Clock clock) {
        this.connections = connections;
        this.databaseMapping = databaseMapping;
        this.clock = clock;
    }

    @Override
    public void sectionStart(String name, ObjectNode metadata) {
        int source = metadata.path("database").asInt();
        String mapped = databaseMapping.apply(Integer.toString(source));
        int database;
        try {
            database = Integer.parseInt(mapped);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Redis databases are numbers; cannot restore database " + source
                    + " into '" + mapped + "'");
        }
        closeConnection();
        jedis = Remote.execute("connecting to " + connections.display() + " database " + database,
                () -> connections.open(database));
        target = RedisSnapshotSource.section(database);
        written.putIfAbsent(target, 0L);
    }

    @Override
    public void item(byte[] bytes) {
        batch.add(RedisEntry.decode(bytes));
        if (batch.size() >= BATCH) {
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
        long now = clock.millis();
        List<Response<String>> replies = new ArrayList<>(batch.size());
        int[] restored = {0};
        Remote.run("restoring " + batch.size() + " keys into " + connections.display() + " " + target, () -> {
            Pipeline pipeline = jedis.pipelined();
            for (RedisEntry entry : batch) {
                long ttl = 0;
                if (entry.expireAtMillis() != RedisEntry.NO_EXPIRY) {
                    ttl = entry.expireAtMillis() - now;
                    if (ttl <= 0) {
                        expired++;
                        continue;
                    }
                }
                replies.add(pipeline.restore(entry.key(), ttl, entry.dump(), RestoreParams.restoreParams().replace()));
                restored[0]++;
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
        written.merge(target, (long) restored[0], Long::sum);
        batch.clear();
    }

    private void closeConnection() {
        if (jedis != null) {
            jedis.close();
            jedis = null;
        }
    }

    @Override
    public StoreOperations.RestoreResult result() {
        closeConnection();
        List<String> warnings = expired == 0 ? List.of()
                : List.of(expired + " keys expired since the backup and were not restored");
        return new StoreOperations.RestoreResult(Map.copyOf(written), expired, warnings);
    }
}
