package io.devflow.dr.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.Json;

/**
 * The audit entry of every backup, completed or failed, as the last step of the backup routes. The entry names the
 * trigger (cli, api, schedule, capture) as who: the request carries no person. A control plane that cannot take
 * the entry does not fail the backup; the entry is then missing, which the compliance report's coverage shows.
 */
public final class BackupAudit {

    private final AuditLog audit;

    public BackupAudit(AuditLog audit) {
        this.audit = audit;
    }

    /** Records the backup and returns its record unchanged, for the route's body. */
    public BackupRecord recorded(BackupRecord backup) {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("outcome", backup.status() == BackupStatus.COMPLETED ? "completed" : "failed");
        details.put("type", backup.type());
        details.put("store", backup.store());
        details.put("region", backup.region());
        if (backup.items() != null) {
            details.put("items", backup.items());
        }
        if (backup.size() != null) {
            details.put("size", backup.size());
        }
        if (backup.durationMs() != null) {
            details.put("durationMs", backup.durationMs());
        }
        if (backup.keyId() != null) {
            details.put("keyId", backup.keyId());
        }
        if (backup.error() != null) {
            details.put("error", backup.error());
        }
        audit.recordOrWarn("backup", backup.trigger(), backup.id(), details);
        return backup;
    }
}
