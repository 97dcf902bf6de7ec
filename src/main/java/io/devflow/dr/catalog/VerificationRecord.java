package io.devflow.dr.catalog;

import java.time.Instant;
import java.util.List;

/**
 * Result of verifying one backup; {@code verification.json} keeps the latest.
 *
 * @param checks what was checked, in words, in order
 * @param failure why it failed, or null when it passed
 * @param seal base64 HMAC-SHA256 over the record without it, under a key derived from the backup's data key
 *             ({@link BackupKeys#seal(io.devflow.dr.archive.Manifest, VerificationRecord)}); a listing shows
 *             only a verification record whose seal matches
 */
public record VerificationRecord(String id, String level, boolean passed, Instant verifiedAt, long durationMs,
                                 List<String> checks, String failure, String seal) {

    public VerificationRecord(String id, String level, boolean passed, Instant verifiedAt, long durationMs,
                              List<String> checks, String failure) {
        this(id, level, passed, verifiedAt, durationMs, checks, failure, null);
    }

    public VerificationRecord withSeal(String newSeal) {
        return new VerificationRecord(id, level, passed, verifiedAt, durationMs, checks, failure, newSeal);
    }

    public String summary() {
        return level + ": " + (passed ? "passed" : "failed");
    }
}
