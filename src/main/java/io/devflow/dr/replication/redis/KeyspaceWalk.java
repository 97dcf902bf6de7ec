package io.devflow.dr.replication.redis;

import io.devflow.dr.store.redis.RedisPair;
import io.devflow.dr.store.redis.ReservedKeys;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A walk over every replicated database of a direction, one SCAN page at a time: first each database of the
 * source (every key there), then each database of the target (only the keys the source does not have, which
 * replication may have to delete). SCAN returns every key that exists for the whole walk at least once;
 * keys that come or go during the walk are the notifications' business.
 */
final class KeyspaceWalk {

    /** One page: keys of one database, possibly none. */
    record Page(int database, List<byte[]> keys) {
    }

    private final Deque<Integer> sourceDatabases;
    private final Deque<Integer> targetDatabases;
    private final ScanParams page;
    private Integer database;
    private boolean onTarget;
    private byte[] cursor;
    private long visited;

    KeyspaceWalk(List<Integer> databases, int pageSize) {
        this.sourceDatabases = new ArrayDeque<>(databases);
        this.targetDatabases = new ArrayDeque<>(databases);
        this.page = new ScanParams().count(pageSize);
    }

    /** The next page, or null when the walk is over. */
    Page next(RedisPair pair) {
        if (database == null) {
            Integer next = sourceDatabases.poll();
            onTarget = next == null;
            if (next == null) {
                next = targetDatabases.poll();
            }
            if (next == null) {
                return null;
            }
            database = next;
            cursor = ScanParams.SCAN_POINTER_START_BINARY;
        }
        int current = database;
        byte[] from = cursor;
        ScanResult<byte[]> scan = onTarget
                ? Remote.execute("scanning database " + current + " of " + pair.targetDisplay(),
                        () -> pair.target(current).scan(from, page))
                : Remote.execute("scanning database " + current + " of " + pair.sourceDisplay(),
                        () -> pair.source(current).scan(from, page));
        cursor = scan.getCursorAsBytes();
        if (Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY)) {
            database = null;
        }
        // the tool's own keys (a failover's canary) stay where they are written
        List<byte[]> keys = scan.getResult().stream().filter(k -> !ReservedKeys.reserved(k)).toList();
        visited += keys.size();
        return new Page(current, onTarget ? missingAtSource(pair, current, keys) : keys);
    }

    /** Keys read so far, on both sides. */
    long visited() {
        return visited;
    }

    private static List<byte[]> missingAtSource(RedisPair pair, int database, List<byte[]> keys) {
        if (keys.isEmpty()) {
            return keys;
        }
        return Remote.execute("checking " + keys.size() + " keys of database " + database + " of " + pair.sourceDisplay(), () -> {
            List<Response<Boolean>> exists = new ArrayList<>(keys.size());
            Pipeline pipeline = pair.source(database).pipelined();
            keys.forEach(k -> exists.add(pipeline.exists(k)));
            pipeline.sync();
            List<byte[]> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (!exists.get(i).get()) {
                    missing.add(keys.get(i));
                }
            }
            return missing;
        });
    }
}
