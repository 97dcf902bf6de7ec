package io.devflow.dr.api;

import io.devflow.dr.config.ApiRole;
import io.devflow.dr.retention.RetentionAudit;
import io.devflow.dr.retention.RetentionService;

/**
 * The retention resource of the HTTP API (a dry run unless the request says otherwise, deletions audited) and the
 * caller's identity.
 */
public final class OperationsApi {

    private final RetentionAudit audit;

    public OperationsApi(RetentionAudit audit) {
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

    /** {@code GET /api/whoami}: the name and role of the caller's token. */
    public Caller whoami(ApiSecurity.Caller caller) {
        return Caller.of(caller);
    }

    /** Records an applied retention (not a dry run) in the audit log, under the caller's token name. */
    public RetentionService.Report audited(RetentionService.Report report, ApiSecurity.Caller caller) {
        return audit.recorded(report, caller.name());
    }
}
