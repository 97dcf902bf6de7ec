package io.devflow.dr.api;

import io.devflow.dr.control.AuditEntry;

import java.util.List;

/** The answer to {@code GET /api/audit}: audit entries, newest first. */
public record AuditList(List<AuditEntry> entries) {
}
