package io.devflow.dr.control;

import java.time.Instant;

/**
 * What {@code dr audit verify} found.
 *
 * @param intact        every chained entry present, authentic, in order and linked to the one before it
 * @param entries       chained entries that verified, from 1 up to the first bad one
 * @param legacyEntries entries written before the chain (decision 52): listed, not chained, not tampering
 * @param firstBad      the sequence number of the first entry that cannot be trusted, 0 when intact
 * @param problem       what is wrong with it, null when intact
 * @param headHash      the hash of the last verified entry, which anchors everything before it
 */
public record AuditVerification(boolean intact, long entries, long legacyEntries, long firstBad, String problem,
                                String headHash, Instant firstAt, Instant lastAt) {
}
