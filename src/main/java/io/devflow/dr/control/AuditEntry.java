package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One entry of the audit log: who did what, when, to what, with which outcome.
 *
 * @param seq     its place in the chain (1, 2, ...); 0 for an entry of the legacy prefix, written before the chain
 * @param prev    the hash of the entry before it (64 zeros for the first); null in the legacy prefix
 * @param hash    the SHA-256 of this entry's content ({@link AuditLog#hash}), which the next entry records
 * @param outcome what came of the action ({@code details.outcome}), null when the action's name says it
 */
public record AuditEntry(long seq, String path, String prev, String hash, Instant at, String action, String by,
                         String subject, String outcome, JsonNode details) {

    public boolean legacy() {
        return seq == 0;
    }

    static AuditEntry of(String path, JsonNode content) {
        JsonNode details = content.get("details");
        String outcome = details != null && details.hasNonNull("outcome") ? details.get("outcome").asText() : null;
        Instant at;
        try {
            at = Instant.parse(content.path("at").asText());
        } catch (RuntimeException e) {
            at = null;
        }
        return new AuditEntry(content.path("seq").asLong(0), path,
                content.hasNonNull("prev") ? content.get("prev").asText() : null, AuditLog.hash(content), at,
                content.path("action").asText(), content.path("by").asText(), content.path("subject").asText(), outcome,
                details);
    }
}
