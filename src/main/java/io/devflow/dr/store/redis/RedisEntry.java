package io.devflow.dr.store.redis;

import java.nio.ByteBuffer;

/**
 * One key as stored in an archive item: the key, its absolute expiry (epoch milliseconds, or -1 for none)
 * and its value as Redis's own DUMP serialization (type, encoding and data, with Redis's checksum).
 * Item layout: {@code u32 keyLength | key | i64 expireAtMillis | u32 dumpLength | dump}.
 */
record RedisEntry(byte[] key, long expireAtMillis, byte[] dump) {

    static final long NO_EXPIRY = -1;

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(4 + key.length + 8 + 4 + dump.length);
        out.putInt(key.length).put(key).putLong(expireAtMillis).putInt(dump.length).put(dump);
        return out.array();
    }

    static RedisEntry decode(byte[] item) {
        ByteBuffer in = ByteBuffer.wrap(item);
        byte[] key = new byte[in.getInt()];
        in.get(key);
        long expireAt = in.getLong();
        byte[] dump = new byte[in.getInt()];
        in.get(dump);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("damaged Redis entry: " + in.remaining() + " trailing bytes");
        }
        return new RedisEntry(key, expireAt, dump);
    }
}
