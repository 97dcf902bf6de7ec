package io.devflow.dr.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * The service's own alerts, named as the shipped Prometheus rules name theirs, so that a page and a chart of the same
 * trouble read alike. {@code disasterRecovery.notifications.alerts.disabled} lists them by these names.
 */
public enum AlertRule {
    BACKUP_FAILED("DrBackupFailed"),
    BACKUP_MISSING("DrBackupMissing"),
    RPO_BREACH("DrRpoBreached"),
    RTO_BREACH("DrRtoBreached"),
    REPLICATION_DEGRADED("DrReplicationDegraded"),
    REPLICATION_FAILED("DrReplicationFailed"),
    CONFLICT_OPEN_TOO_LONG("DrConflictsOpenTooLong"),
    DRILL_FAILED("DrDrillFailed");

    private final String id;

    AlertRule(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<AlertRule> find(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
