package io.devflow.dr.replication.redis;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A key in one logical database. Redis keys are bytes; they are shown as UTF-8 text when they are valid
 * UTF-8, otherwise as {@code base64:<base64>} (as are text keys that themselves begin with {@code base64:},
 * so that every shown key reads back to the same bytes).
 */
final class RedisKey {

    private static final String BASE64 = "base64:";

    private final int database;
    private final byte[] key;

    RedisKey(int database, byte[] key) {
        this.database = database;
        this.key = key.clone();
    }

    int database() {
        return database;
    }

    byte[] key() {
        return key.clone();
    }

    /** The key as text for conflicts and messages: UTF-8, or {@code base64:...} when it is not valid UTF-8. */
    static String display(byte[] key) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString();
            if (!text.startsWith(BASE64)) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // shown as base64 below
        }
        return BASE64 + Base64.getEncoder().encodeToString(key);
    }

    /** The bytes of a key shown by {@link #display}. */
    static byte[] parse(String shown) {
        if (shown.startsWith(BASE64)) {
            try {
                return Base64.getDecoder().decode(shown.substring(BASE64.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + shown + "' is not a base64 Redis key", e);
            }
        }
        return shown.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RedisKey that && database == that.database && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return 31 * database + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return database + " " + display(key);
    }
}
