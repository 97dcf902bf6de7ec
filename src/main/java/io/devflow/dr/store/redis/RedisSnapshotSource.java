package io.devflow.dr.store.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A full snapshot of the configured logical databases: SCAN through each keyspace and, per batch of keys,
 * pipeline DUMP and PTTL. One section per database ({@code db0}, {@code db1}, ...); one item per key with its
 * absolute expiry. Holds one batch of keys at a time.
 *
 * <p>SCAN returns every key that exists for the whole scan at least once; a key may come twice while the
 * keyspace is being rehashed (a restore then writes it twice, harmlessly). Keys that expire or are deleted
 * between SCAN and DUMP are left out.
 */
public final class RedisSnapshotSource implements RecordSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1_000;

    private final RedisConnections connections;
    private final Deque<Integer> databases;
    private final Clock clock;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private Jedis jedis;
    private int database = -1;
    private String cursor;
    private boolean sectionOpen;

    public RedisSnapshotSource(RedisConnections connections, List<Integer> databases, Clock clock) {
        this.connections = connections;
        this.databases = new ArrayDeque<>(databases);
        this.clock = clock;
    }

    @Override
    public SourceRecord next() {
        while (true) {
            if (!pending.isEmpty()) {
                return new SourceRecord.Item(pending.poll());
            }
            if (sectionOpen && ScanParams.SCAN_POINTER_START.equals(cursor)) {
                sectionOpen = false;
                return new SourceRecord.SectionEnd();
            }
            if (sectionOpen) {
                scanBatch();
                continue;
            }
            Integer next = databases.poll();
            if (next == null) {
                return null;
            }
            openDatabase(next);
            return new SourceRecord.SectionStart(section(next), JSON.createObjectNode().put("database", next));
        }
    }

    static String section(int database) {
        return "db" + database;
    }

    private void openDatabase(int next) {
        closeConnection();
        database = next;
        jedis = Remote.execute("connecting to " + connections.display() + " database " + next,
                () -> connections.open(next));
        cursor = null;
        sectionOpen = true;
        scanBatch();
    }

    private void scanBatch() {
        String from = cursor == null ? ScanParams.SCAN_POINTER_START : cursor;
        ScanResult<byte[]> scan = Remote.execute("scanning database " + database + " of " + connections.display(),
                () -> jedis.scan(from.getBytes(java.nio.charset.StandardCharsets.UTF_8), new ScanParams().count(BATCH)));
        cursor = scan.getCursor();
        List<byte[]> keys = scan.getResult();
        if (keys.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<Response<byte[]>> dumps = new ArrayList<>(keys.size());
        List<Response<Long>> ttls = new ArrayList<>(keys.size());
        Remote.run("reading " + keys.size() + " keys of database " + database + " of " + connections.display(), () -> {
            Pipeline pipeline = jedis.pipelined();
            for (byte[] key : keys) {
                dumps.add(pipeline.dump(key));
                ttls.add(pipeline.pttl(key));
            }
            pipeline.sync();
        });
        for (int i = 0; i < keys.size(); i++) {
            byte[] dump = dumps.get(i).get();
            long ttl = ttls.get(i).get();
            if (dump == null || ttl == -2) {
                continue;
            }
            long expireAt = ttl < 0 ? RedisEntry.NO_EXPIRY : now + ttl;
            pending.add(new RedisEntry(keys.get(i), expireAt, dump).encode());
        }
    }

    private void closeConnection() {
        if (jedis != null) {
            jedis.close();
            jedis = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
