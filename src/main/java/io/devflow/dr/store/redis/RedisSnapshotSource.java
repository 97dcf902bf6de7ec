package io.devflow.dr.store.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.archive.ArchiveFormat;
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
import java.util.Optional;

/**
 * A full snapshot of the configured logical databases: SCAN through each keyspace and, per batch of keys,
 * pipeline DUMP and PTTL. One section per database ({@code db0}, {@code db1}, ...); one item per key with its
 * absolute expiry. Holds one SCAN batch of keys, and the values of as many of them as fit in about
 * 16 MiB ({@link RedisSizes}), at a time: large values are read a few at a time, so memory does not grow with
 * them.
 *
 * <p>SCAN returns every key that exists for the whole scan at least once; a key may come twice while the
 * keyspace is being rehashed (a restore then writes it twice, harmlessly). Keys that expire or are deleted
 * between SCAN and DUMP are left out.
 */
public final class RedisSnapshotSource implements RecordSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1_000;
    /** Room left in an archive record for the key and the expiry beside the value. */
    private static final int ENTRY_OVERHEAD = 16;

    private final RedisConnections connections;
    private final Deque<Integer> databases;
    private final Clock clock;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private final Deque<byte[]> unread = new ArrayDeque<>();
    private int readAtOnce = BATCH;
    private boolean memoryUsageAllowed = true;
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
            if (!unread.isEmpty()) {
                readValues();
                continue;
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
        unread.addAll(scan.getResult());
    }

    /**
     * DUMP and PTTL of the next keys scanned: as many at once as fit in {@link RedisSizes#BATCH_BYTES} (at least
     * one), by the server's MEMORY USAGE of each, or where that command is not allowed, by the values read so far.
     */
    private void readValues() {
        List<byte[]> next = new ArrayList<>();
        while (next.size() < readAtOnce && !unread.isEmpty()) {
            next.add(unread.poll());
        }
        List<byte[]> keys = fitting(next);
        long now = clock.millis();
        List<Response<byte[]>> dumps = new ArrayList<>(keys.size());
        List<Response<Long>> ttls = new ArrayList<>(keys.size());
        Remote.run("reading " + keys.size() + " keys of database " + database + " of " + connections.display(), () -> {
            dumps.clear();
            ttls.clear();
            Pipeline pipeline = jedis.pipelined();
            for (byte[] key : keys) {
                dumps.add(pipeline.dump(key));
                ttls.add(pipeline.pttl(key));
            }
            pipeline.sync();
        });
        long bytes = 0;
        for (int i = 0; i < keys.size(); i++) {
            byte[] dump = dumps.get(i).get();
            long ttl = ttls.get(i).get();
            if (dump == null || ttl == -2) {
                continue;
            }
            byte[] key = keys.get(i);
            if ((long) key.length + dump.length + ENTRY_OVERHEAD > ArchiveFormat.MAX_RECORD_BYTES) {
                throw new IllegalStateException("key '" + shown(key) + "' in database " + database + " of "
                        + connections.display() + " holds " + dump.length + " bytes serialized, more than the "
                        + (ArchiveFormat.MAX_RECORD_BYTES >> 20) + " MiB an archive record holds; split the value, "
                        + "or leave database " + database + " out of the region's redis.databases");
            }
            bytes += dump.length;
            long expireAt = ttl < 0 ? RedisEntry.NO_EXPIRY : now + ttl;
            pending.add(new RedisEntry(key, expireAt, dump).encode());
        }
        long perKey = Math.max(1, bytes / Math.max(1, keys.size()));
        readAtOnce = (int) Math.max(1, Math.min(BATCH, RedisSizes.BATCH_BYTES / perKey));
    }

    /** The first of these keys whose values fit in {@link RedisSizes#BATCH_BYTES}; the others are read next. */
    private List<byte[]> fitting(List<byte[]> keys) {
        if (!memoryUsageAllowed || keys.size() == 1) {
            return keys;
        }
        Optional<long[]> sizes = RedisSizes.of(jedis, keys,
                "sizing " + keys.size() + " keys of database " + database + " of " + connections.display());
        if (sizes.isEmpty()) {
            memoryUsageAllowed = false; // size by the values read so far
            return keys;
        }
        int fit = RedisSizes.fitting(sizes.get(), 0);
        for (int i = keys.size() - 1; i >= fit; i--) {
            unread.addFirst(keys.get(i));
        }
        return keys.subList(0, fit);
    }

    private static String shown(byte[] key) {
        String text = new String(key, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
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
