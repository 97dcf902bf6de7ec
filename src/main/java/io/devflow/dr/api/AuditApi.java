package io.devflow.dr.api;

import io.devflow.dr.control.AuditEntry;
import io.devflow.dr.control.AuditLog;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The audit resource of the HTTP API: who did what, when, newest first. */
public final class AuditApi {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private final AuditLog audit;

    public AuditApi(AuditLog audit) {
        this.audit = audit;
    }

    /** {@code GET /api/audit?action=&since=&limit=}: the newest entries first. */
    public AuditList list(String action, String sinceText, String limitText) {
        Instant since = null;
        if (sinceText != null && !sinceText.isBlank()) {
            try {
                since = Instant.parse(sinceText.strip());
            } catch (DateTimeParseException e) {
                throw new ApiException(400, "since must be an ISO-8601 instant such as 2026-01-27T10:00:00Z, not '"
                        + sinceText + "'");
            }
        }
        int limit = Limits.parse("limit", limitText, DEFAULT_LIMIT, MAX_LIMIT);
        List<AuditEntry> entries = new ArrayList<>(audit.list(since, action == null || action.isBlank() ? null
                : action.strip(), limit));
        Collections.reverse(entries);
        return new AuditList(entries);
    }
}
