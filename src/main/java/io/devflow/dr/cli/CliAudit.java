package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;

import java.util.function.Supplier;

/**
 * The audit entry of a command's action, with its outcome: written after the action, whether it completed or failed,
 * under the operator who ran the command. The action's own result or failure is what the command reports; an entry
 * the control plane cannot take is logged, not turned into a failure.
 */
final class CliAudit {

    private CliAudit() {
    }

    static <T> T audited(AuditLog audit, String action, String subject, ObjectNode details, Supplier<T> work) {
        try {
            T result = work.get();
            details.put("outcome", "completed");
            audit.recordOrWarn(action, Operator.name(), subject, details);
            return result;
        } catch (RuntimeException e) {
            details.put("outcome", "failed");
            details.put("error", Failures.describe(e));
            audit.recordOrWarn(action, Operator.name(), subject, details);
            throw e;
        }
    }

    static ObjectNode details() {
        return Json.MAPPER.createObjectNode();
    }
}
