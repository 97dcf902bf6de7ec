package io.devflow.dr.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys this tool writes into a data database for itself (a failover's canary): under a prefix that replication
 * passes over, so such a key never reaches another region.
 */
public final class ReservedKeys {

    public static final String PREFIX = "__devflow-dr:";
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);

    private ReservedKeys() {
    }

    public static boolean reserved(byte[] key) {
        return key.length >= PREFIX_BYTES.length
                && Arrays.equals(key, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
    }

    public static boolean reserved(String key) {
        return key.startsWith(PREFIX);
    }
}
