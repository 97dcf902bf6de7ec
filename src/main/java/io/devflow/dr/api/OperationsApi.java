package io.devflow.dr.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.ApiRole;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.retention.RetentionService;
import io.devflow.dr.support.Json;

/** The retention resource of the HTTP API: a dry run unless the request says otherwise, deletions audited. */
public final class OperationsApi {

    private final AuditLog audit;

    public OperationsApi(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * Whether a retention request is a dry run: every request but one with {@code "dryRun": false}, which needs
     * the admin role.
     */
    public boolean dryRun(RetentionRequest body, ApiSecurity.Caller caller) {
        boolean dryRun = body == null || body.dryRun() == null || body.dryRun();
        if (!dryRun && !caller.role().allows(ApiRole.ADMIN)) {
            throw new ApiException(403, "deleting backups needs the admin role; the token '" + caller.name()
                    + "' has " + caller.role().id() + " (without \"dryRun\": false the request is a dry run)");
        }
        return dryRun;
    }

    /** Records an applied retention (not a dry run) in the audit log, under the caller's token name. */
    public RetentionService.Report audited(RetentionService.Report report, ApiSecurity.Caller caller) {
        if (!report.dryRun()) {
            ObjectNode details = Json.MAPPER.createObjectNode();
            details.put("kept", report.kept());
            details.put("deleted", report.deleted());
            details.set("deletedBackups", Json.MAPPER.valueToTree(report.backups().stream()
                    .filter(e -> !"keep".equals(e.action())).map(RetentionService.Entry::id).toList()));
            details.put("abortedUploads", report.abortedUploads().size());
            audit.record("retention-applied", caller.name(), "retention", details);
        }
        return report;
    }
}
