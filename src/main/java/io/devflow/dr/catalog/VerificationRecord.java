package io.devflow.dr.catalog;

import java.time.Instant;
import java.util.List;

/**
 * Result of verifying one backup; {@code verification.json} keeps the latest.
 *
 * @param checks what was checked, in words, in order
 * @param failure why it failed, or null when it passed
 */
public record VerificationRecord(String id, String level, boolean passed, Instant verifiedAt, long durationMs,
                                 List<String> checks, String failure) {

    public String summary() {
        return level + ": " + (passed ? "passed" : "failed");
    }
}
