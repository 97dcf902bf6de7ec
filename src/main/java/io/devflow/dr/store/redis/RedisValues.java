package io.devflow.dr.store.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/** Values as DUMP payloads: their digests, and the JSON kept with a conflict for an operator to review. */
public final class RedisValues {

    /** A DUMP payload ends with the RDB version (2 bytes) and a CRC64 (8 bytes) that cover the server, not the value. */
    private static final int FOOTER = 10;
    /** Larger payloads are described in a conflict, not copied into the control state. */
    private static final int DUMP_KEPT_MAX = 1 << 20;
    private static final int PREVIEW_CHARS = 200;
    private static final int PREVIEW_ITEMS = 5;

    private RedisValues() {
    }

    /** SHA-256 of a DUMP payload, hex; null for a missing key. */
    public static String digest(byte[] dump) {
        if (dump == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dump));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether two DUMPs, possibly from different servers, hold the same value: the same serialized data,
     * whatever RDB version and checksum each server adds. Equal values serialized in a different order (a
     * hash table iterated differently) do not compare equal.
     */
    public static boolean sameValue(byte[] a, byte[] b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.length != b.length || a.length < FOOTER) {
            return Arrays.equals(a, b);
        }
        return Arrays.equals(a, 0, a.length - FOOTER, b, 0, b.length - FOOTER);
    }

    /**
     * A value as a conflict keeps it: {@code {"type", "ttlMs", "dump" (base64), "preview"}}; a DUMP larger
     * than 1 MiB is left out and its size given as {@code dumpBytes}. The preview is for people (the value
     * as text, or its first members), the dump is what can be restored.
     */
    public static ObjectNode content(Jedis jedis, byte[] key, byte[] dump, long ttlMs) {
        ObjectNode content = Json.MAPPER.createObjectNode();
        String type = jedis.type(key);
        content.put("type", type);
        content.put("ttlMs", ttlMs);
        if (dump.length <= DUMP_KEPT_MAX) {
            content.put("dump", Base64.getEncoder().encodeToString(dump));
        } else {
            content.put("dumpBytes", dump.length);
        }
        content.put("preview", preview(jedis, type, key));
        return content;
    }

    private static String preview(Jedis jedis, String type, byte[] key) {
        ScanParams first = new ScanParams().count(PREVIEW_ITEMS);
        byte[] start = ScanParams.SCAN_POINTER_START_BINARY;
        return switch (type) {
            case "string" -> truncate(text(jedis.getrange(key, 0, PREVIEW_CHARS)));
            case "hash" -> items(jedis.hlen(key), jedis.hscan(key, start, first).getResult().stream()
                    .map(e -> text(e.getKey()) + "=" + text(e.getValue())).toList());
            case "list" -> items(jedis.llen(key), jedis.lrange(key, 0, PREVIEW_ITEMS - 1).stream()
                    .map(RedisValues::text).toList());
            case "set" -> items(jedis.scard(key), jedis.sscan(key, start, first).getResult().stream()
                    .map(RedisValues::text).toList());
            case "zset" -> items(jedis.zcard(key), jedis.zrangeWithScores(key, 0, PREVIEW_ITEMS - 1).stream()
                    .map(RedisValues::scored).toList());
            case "stream" -> jedis.xlen(key) + " entries";
            case "none" -> "(gone)";
            default -> type + " value";
        };
    }

    private static String scored(Tuple tuple) {
        return text(tuple.getBinaryElement()) + "=" + tuple.getScore();
    }

    private static String items(long total, List<String> first) {
        StringJoiner joined = new StringJoiner(", ", "[", first.size() < total ? ", ...]" : "]");
        first.stream().limit(PREVIEW_ITEMS).forEach(joined::add);
        return truncate(joined + " (" + total + (total == 1 ? " item)" : " items)"));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String truncate(String text) {
        return text.length() <= PREVIEW_CHARS ? text : text.substring(0, PREVIEW_CHARS) + "...";
    }
}
