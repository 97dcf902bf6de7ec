package io.devflow.dr.store.redis;

import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How much memory keys' values take on the server ({@code MEMORY USAGE}), so that values are read a batch at
 * a time that fits in {@link #BATCH_BYTES} whatever their size.
 */
public final class RedisSizes {

    /** About how many bytes of values one batch may hold. */
    public static final long BATCH_BYTES = 16L * 1024 * 1024;

    private RedisSizes() {
    }

    /**
     * The size of each key's value (0 for a key that is gone), pipelined; empty when the server does not allow
     * {@code MEMORY} (an ACL, a renamed command, a Redis before 4.0).
     */
    public static Optional<long[]> of(Jedis jedis, List<byte[]> keys, String description) {
        List<Response<Long>> sizes = new ArrayList<>(keys.size());
        Remote.run(description, () -> {
            sizes.clear();
            Pipeline pipeline = jedis.pipelined();
            for (byte[] key : keys) {
                sizes.add(pipeline.memoryUsage(key));
            }
            pipeline.sync();
        });
        long[] result = new long[keys.size()];
        try {
            for (int i = 0; i < result.length; i++) {
                Long size = sizes.get(i).get();
                result[i] = size == null ? 0 : size;
            }
        } catch (JedisDataException e) {
            return Optional.empty();
        }
        return Optional.of(result);
    }

    /** How many of the first sizes fit in {@link #BATCH_BYTES} together: at least one. */
    public static int fitting(long[] sizes, int from) {
        long total = 0;
        int end = from;
        while (end < sizes.length) {
            total += sizes[end];
            if (end > from && total > BATCH_BYTES) {
                break;
            }
            end++;
        }
        return end - from;
    }
}
