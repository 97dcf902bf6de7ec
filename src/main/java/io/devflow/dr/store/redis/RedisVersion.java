package io.devflow.dr.store.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What one direction last wrote into a region for one key, kept in that region's metadata database as a
 * string key {@code devflow-dr:version:<source region>:<db>:<key bytes>} holding compact JSON
 * {@code {"s": source digest, "t": target digest, "xs": source expiry, "xt": target expiry, "o": origin,
 * "c": open conflict, "at": written}}. Digests are SHA-256 of DUMP payloads; expiries are epoch milliseconds
 * or -1 for none. A record without digests is a tombstone: replication deleted the key.
 *
 * <p>DUMP payloads of equal values can differ between two servers (hash tables iterate in their own order)
 * but not between two reads of one unchanged key on one server, so each side's digest is compared only with
 * that same side's later DUMPs.
 *
 * @param sourceDigest the source's value that was copied (null: the key was gone at the source)
 * @param targetDigest the target's value right after the copy (null: the key was deleted in the target)
 * @param origin the region whose version the record stands for: the source, or the target after a
 *               conflict was settled for it
 * @param conflict the open conflict that holds the key, or null
 */
public record RedisVersion(String sourceDigest, String targetDigest, long sourceExpireAt, long targetExpireAt,
                    String origin, String conflict, long writtenAt) {

    public static final long NO_EXPIRY = -1;
    private static final byte[] PREFIX = "devflow-dr:version:".getBytes(StandardCharsets.UTF_8);

    /** The metadata key of a record written by replication from {@code writer} for {@code key} of {@code database}. */
    public static byte[] metadataKey(String writer, int database, byte[] key) {
        byte[] scope = (writer + ":" + database + ":").getBytes(StandardCharsets.UTF_8);
        byte[] result = new byte[PREFIX.length + scope.length + key.length];
        System.arraycopy(PREFIX, 0, result, 0, PREFIX.length);
        System.arraycopy(scope, 0, result, PREFIX.length, scope.length);
        System.arraycopy(key, 0, result, PREFIX.length + scope.length, key.length);
        return result;
    }

    public boolean held() {
        return conflict != null;
    }

    public RedisVersion holding(String conflictId, long at) {
        return new RedisVersion(sourceDigest, targetDigest, sourceExpireAt, targetExpireAt, origin, conflictId, at);
    }

    public byte[] encode() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (sourceDigest != null) {
            node.put("s", sourceDigest);
        }
        if (targetDigest != null) {
            node.put("t", targetDigest);
        }
        node.put("xs", sourceExpireAt).put("xt", targetExpireAt).put("o", origin);
        if (conflict != null) {
            node.put("c", conflict);
        }
        node.put("at", writtenAt);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A stored record; null for none, or for one that is not readable (then it is as if there were none). */
    public static RedisVersion decode(byte[] stored) {
        if (stored == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(stored);
            if (node == null || !node.isObject() || !node.path("o").isTextual()) {
                return null;
            }
            return new RedisVersion(text(node, "s"), text(node, "t"), node.path("xs").asLong(NO_EXPIRY),
                    node.path("xt").asLong(NO_EXPIRY), node.path("o").asText(), text(node, "c"), node.path("at").asLong());
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
