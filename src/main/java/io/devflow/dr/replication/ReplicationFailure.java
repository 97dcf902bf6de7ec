package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.control.ConflictRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A change the target refused for a reason retrying cannot fix (a document the target's validation or
 * unique index rejects, say). Kept with the change so that nothing is lost; replication goes on.
 *
 * @param change the source version that could not be written, in the store's lossless JSON form
 */
public record ReplicationFailure(String id, String store, String source, String target, ConflictRecord record,
                                 Instant at, String error, JsonNode change) {

    /**
     * The id of the failure to write one version of a record in one direction: the same refusal met again (by
     * a reconcile, a replay) is kept under the same id, not once more each time.
     *
     * @param version what identifies the refused version (its digest), null for a deletion
     */
    public static String id(String store, Direction direction, ConflictRecord record, String version) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha256.digest((store + "\n" + direction.id() + "\n" + record + "\n" + version)
                    .getBytes(StandardCharsets.UTF_8));
            return "failure-" + HexFormat.of().formatHex(hash, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
