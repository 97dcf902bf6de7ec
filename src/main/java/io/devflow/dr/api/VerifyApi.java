package io.devflow.dr.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import io.devflow.dr.verification.VerifyService;

import java.time.Clock;
import java.util.List;

/**
 * {@code POST /api/backups/{id}/verify}: the quick or full verification of {@code dr verify}, run while the caller
 * waits and audited under its token. A backup that fails verification is an answer (200, {@code passed: false},
 * recorded as the CLI records it), not an error of the call. The restore level, which restores into a scratch
 * database, is left to {@code dr verify} and the drills.
 */
public final class VerifyApi {

    private final VerifyService verify;
    private final AuditLog audit;
    private final Clock clock;

    public VerifyApi(VerifyService verify, AuditLog audit, Clock clock) {
        this.verify = verify;
        this.audit = audit;
        this.clock = clock;
    }

    public VerificationRecord verify(String id, VerifyRequestBody body, ApiSecurity.Caller caller) {
        BackupId backupId = BackupId.parse(id).orElseThrow(() -> new ApiException(400,
                "'" + id + "' is not a backup id (for example " + BackupId.EXAMPLE + ")"));
        String levelText = body == null || body.level() == null ? "quick" : body.level();
        VerifyLevel level = VerifyLevel.parse(levelText).filter(l -> l != VerifyLevel.RESTORE)
                .orElseThrow(() -> new ApiException(400, "level must be \"quick\" or \"full\", not '" + levelText
                        + "' (the restore level runs through dr verify --level restore or a backup drill)"));
        ObjectNode details = Json.MAPPER.createObjectNode().put("level", level.configName());
        VerificationRecord record;
        try {
            record = verify.verify(backupId, level, Progress.discarding());
            details.put("outcome", "completed");
        } catch (ArchiveIntegrityException e) {
            details.put("outcome", "failed").put("error", e.getMessage());
            record = new VerificationRecord(backupId.value(), level.configName(), false, clock.instant(), 0, List.of(),
                    e.getMessage());
        } catch (KeyUnavailableException e) {
            details.put("outcome", "failed").put("error", Failures.describe(e));
            audit.record("verify", caller.name(), backupId.value(), details);
            throw new ApiException(409, "the backup cannot be checked with this server's keys: " + e.getMessage()
                    + "; nothing was recorded against the backup. Check the server's key provider "
                    + "(disasterRecovery.backup.encryption) and its access to the key (dr keys describe)");
        }
        audit.record("verify", caller.name(), backupId.value(), details);
        return record;
    }
}
