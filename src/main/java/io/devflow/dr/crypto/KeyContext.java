package io.devflow.dr.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a data key is bound to. Used as associated data when wrapping locally and as the encryption context
 * with KMS, so a wrapped key copied into another backup's manifest, or into another deployment's bucket,
 * cannot be unwrapped.
 *
 * @param subject what the key protects, for messages: {@code backup <id>} or {@code the conflict records}
 * @param deploymentId the deployment it is bound to; empty for backups written before deployments were bound
 * @param encryptionContext the KMS encryption context
 * @param associatedData the local provider's associated data, as text
 */
public record KeyContext(String subject, Optional<String> deploymentId, Map<String, String> encryptionContext,
                         String associatedData) {

    private static final String BACKUP_ID = "devflow-dr:backup-id";
    private static final String STORE = "devflow-dr:store";
    private static final String REGION = "devflow-dr:region";
    private static final String DEPLOYMENT = "devflow-dr:deployment";
    private static final String PURPOSE = "devflow-dr:purpose";

    public KeyContext {
        encryptionContext = Map.copyOf(new TreeMap<>(encryptionContext));
    }

    /** The key of a backup of this deployment (manifest format 2). */
    public static KeyContext backup(String backupId, String store, String region, String deploymentId) {
        return new KeyContext("backup " + backupId, Optional.of(deploymentId),
                Map.of(BACKUP_ID, backupId, STORE, store, REGION, region, DEPLOYMENT, deploymentId),
                "devflow-dr/data-key/v2|" + deploymentId + "|" + backupId + "|" + store + "|" + region);
    }

    /** The key of a backup written before keys were bound to a deployment (manifest format 1). */
    public static KeyContext legacyBackup(String backupId, String store, String region) {
        return new KeyContext("backup " + backupId, Optional.empty(),
                Map.of(BACKUP_ID, backupId, STORE, store, REGION, region),
                "devflow-dr/data-key/v1|" + backupId + "|" + store + "|" + region);
    }

    /** The key that encrypts conflict records in the control state. */
    public static KeyContext conflicts(String deploymentId) {
        return new KeyContext("the conflict records", Optional.of(deploymentId),
                Map.of(PURPOSE, "conflict-records", DEPLOYMENT, deploymentId),
                "devflow-dr/conflict-key/v1|" + deploymentId);
    }

    /** The deployment's control key, which signs every control-plane document, in every region. */
    public static KeyContext control(String deploymentId) {
        return new KeyContext("the control key", Optional.of(deploymentId),
                Map.of(PURPOSE, "control-documents", DEPLOYMENT, deploymentId),
                "devflow-dr/control-key/v1|" + deploymentId);
    }

    public byte[] associatedDataBytes() {
        return associatedData.getBytes(StandardCharsets.UTF_8);
    }
}
