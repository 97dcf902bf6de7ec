package io.devflow.dr.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a data key is bound to. Used as associated data when wrapping locally and as the encryption context
 * with KMS, so a wrapped key copied into another backup's manifest cannot be unwrapped.
 */
public record KeyContext(String backupId, String store, String region) {

    public byte[] associatedData() {
        return ("devflow-dr/data-key/v1|" + backupId + "|" + store + "|" + region).getBytes(StandardCharsets.UTF_8);
    }

    public Map<String, String> encryptionContext() {
        return Map.of("devflow-dr:backup-id", backupId, "devflow-dr:store", store, "devflow-dr:region", region);
    }
}
