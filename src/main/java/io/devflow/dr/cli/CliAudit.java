package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * The audit entry of a command's action, with its outcome: written after the action, whether it completed or failed,
 * under the operator who ran the command. The action's own result or failure is what the command reports; an entry
 * the control plane cannot take after a completed action is a warning to the operator, not a failure. After a failed
 * action the command's one error message stands alone: the entry is attempted, and a control plane that cannot take it
 * usually fails for the same reason the action did.
 */
final class CliAudit {

    private CliAudit() {
    }

    static <T> T audited(AuditLog audit, PrintWriter err, String action, String subject, ObjectNode details,
                         Supplier<T> work) {
        try {
            T result = work.get();
            details.put("outcome", "completed");
            record(audit, err, action, subject, details);
            return result;
        } catch (RuntimeException e) {
            details.put("outcome", "failed");
            details.put("error", Failures.describe(e));
            try {
                audit.record(action, Operator.name(), subject, details);
            } catch (RuntimeException auditFailure) {
                e.addSuppressed(auditFailure);
            }
            throw e;
        }
    }

    /**
     * Records the entry under the operator. When the control plane cannot take it, the action's own result stands and
     * the operator is told on {@code err} (a command's log is off by default), naming what is missing and why.
     */
    static void record(AuditLog audit, PrintWriter err, String action, String subject, ObjectNode details) {
        try {
            audit.record(action, Operator.name(), subject, details);
        } catch (RuntimeException e) {
            err.println("warning: the audit log has no entry for this " + action + " of " + subject + ": "
                    + Failures.describe(e) + "; the action itself is done. Fix the control plane's bucket access "
                    + "(dr status shows each region's storage) so that later actions are audited.");
        }
    }

    static ObjectNode details() {
        return Json.MAPPER.createObjectNode();
    }
}
