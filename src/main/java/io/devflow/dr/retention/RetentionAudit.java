package io.devflow.dr.retention;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.Json;

/** The audit entry of every applied retention (not of dry runs): what it deleted, from whichever entry point. */
public final class RetentionAudit {

    private final AuditLog audit;

    public RetentionAudit(AuditLog audit) {
        this.audit = audit;
    }

    /** Records an applied retention under {@code by} and returns the report unchanged. */
    public RetentionService.Report recorded(RetentionService.Report report, String by) {
        if (!report.dryRun()) {
            ObjectNode details = Json.MAPPER.createObjectNode();
            details.put("outcome", report.unreachableRegions().isEmpty() ? "completed" : "partial");
            details.put("kept", report.kept());
            details.put("deleted", report.deleted());
            details.set("deletedBackups", Json.MAPPER.valueToTree(report.backups().stream()
                    .filter(e -> !"keep".equals(e.action())).map(RetentionService.Entry::id).toList()));
            details.put("abortedUploads", report.abortedUploads().size());
            if (report.resolvedConflicts() != null) {
                details.put("deletedConflicts", report.resolvedConflicts().deleted().size());
            }
            if (!report.unreachableRegions().isEmpty()) {
                details.set("unreachableRegions", Json.MAPPER.valueToTree(report.unreachableRegions()));
            }
            audit.recordOrWarn("retention-applied", by, "retention", details);
        }
        return report;
    }
}
