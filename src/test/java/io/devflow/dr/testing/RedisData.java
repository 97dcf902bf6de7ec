package io.devflow.dr.testing;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads a Redis database in a form two servers' contents can be compared by. */
public final class RedisData {

    private RedisData() {
    }

    /** A value in a form that compares by content (hash tables have no order of their own); null when gone. */
    public static String value(Jedis jedis, String key) {
        return switch (jedis.type(key)) {
            case "string" -> "string: " + jedis.get(key);
            case "hash" -> "hash: " + new TreeMap<>(jedis.hgetAll(key));
            case "list" -> "list: " + jedis.lrange(key, 0, -1);
            case "set" -> "set: " + new TreeSet<>(jedis.smembers(key));
            case "zset" -> "zset: " + jedis.zrangeWithScores(key, 0, -1).stream()
                    .map(t -> t.getElement() + "=" + t.getScore()).toList();
            case "stream" -> "stream: " + jedis.xrange(key, "-", "+").stream()
                    .map(e -> e.getID() + new TreeMap<>(e.getFields()).toString()).toList();
            case "none" -> null;
            default -> throw new AssertionError("unexpected type of " + key);
        };
    }

    /**
     * Every key of the given databases of a server on loopback, as {@code "<db> <key>" -> "<type>: <value>"},
     * with {@code " (expires)"} added to keys that have a time to live.
     */
    public static Map<String, String> snapshot(int port, Iterable<Integer> databases) {
        Map<String, String> all = new TreeMap<>();
        for (int database : databases) {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                jedis.select(database);
                for (String key : keys(jedis)) {
                    String value = value(jedis, key);
                    if (value != null) {
                        all.put(database + " " + key, value + (jedis.pttl(key) >= 0 ? " (expires)" : ""));
                    }
                }
            }
        }
        return all;
    }

    /** Every key of the selected database, by SCAN. */
    public static List<String> keys(Jedis jedis) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1_000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
