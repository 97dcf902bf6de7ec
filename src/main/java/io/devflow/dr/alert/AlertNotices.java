package io.devflow.dr.alert;

import io.devflow.dr.config.AlertRule;
import io.devflow.dr.notify.Notice;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alert's change as the notifiers send it: the title says {@code [FIRING]} or {@code [RESOLVED]} and what, the
 * facts say where, the value against the threshold, since when, and what to do.
 */
final class AlertNotices {

    static final String RUNBOOK = "README.md, section \"Alerts the service sends\"";

    private AlertNotices() {
    }

    static Notice notice(AlertChange change, String instance) {
        AlertState alert = change.alert();
        boolean resolved = change.kind() == AlertChange.Kind.RESOLVED;
        String title = (resolved ? "[RESOLVED] " : "[FIRING] ") + alert.summary();
        String text = switch (change.kind()) {
            case FIRING -> alert.rule().id() + " is firing since " + alert.since() + ".";
            case REPEAT -> alert.rule().id() + " is still firing since " + alert.since() + " (reminder "
                    + (alert.sent() - 1) + ").";
            case RESOLVED -> alert.rule().id() + " fired from " + alert.since() + " and is resolved at " + change.at()
                    + " (after " + AlertRules.text(Duration.between(alert.since(), change.at())) + ").";
        };
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("Alert", alert.rule().id());
        alert.labels().forEach((name, value) -> facts.put(Character.toUpperCase(name.charAt(0)) + name.substring(1), value));
        facts.put(resolved ? "Last value" : "Value", alert.value());
        facts.put("Threshold", alert.threshold());
        facts.put("Firing since", alert.since().toString());
        if (resolved) {
            facts.put("Resolved at", change.at().toString());
        } else {
            facts.put("What to do", remedy(alert));
        }
        facts.put("Runbook", RUNBOOK);
        facts.put("Sent by", instance);
        return new Notice("alert." + change.kind().id(), resolved ? Notice.Severity.INFO : severity(alert.rule()),
                title, text, facts, change.at());
    }

    private static Notice.Severity severity(AlertRule rule) {
        return switch (rule) {
            case BACKUP_FAILED, RPO_BREACH, REPLICATION_FAILED -> Notice.Severity.CRITICAL;
            default -> Notice.Severity.WARNING;
        };
    }

    private static String remedy(AlertState alert) {
        String store = alert.labels().getOrDefault("store", "");
        String region = alert.labels().getOrDefault("region", "");
        return switch (alert.rule()) {
            case BACKUP_FAILED -> "read why with 'dr backups list --store " + store + " --region " + region
                    + "', make the store reachable, then 'dr backup --type full --store " + store + "'";
            case BACKUP_MISSING -> "check that dr server leads and runs its schedules ('dr status'), or that the "
                    + "backup CronJobs run; then 'dr backup --type full --store " + store + "'";
            case RPO_BREACH -> "see 'dr status' for the lag and the newest backups; take a backup ('dr backup --type "
                    + "full --store " + store + "') and bring replication back to healthy";
            case RTO_BREACH -> "see 'dr test history --type recovery-time' for the slow steps; run 'dr test' again "
                    + "after fixing them";
            case REPLICATION_DEGRADED, REPLICATION_FAILED -> "see 'dr status' for the lag and the last error; "
                    + "'dr replication start --store " + store + "' once the cause is fixed";
            case CONFLICT_OPEN_TOO_LONG -> "list them with 'dr conflicts list --store " + store + "' and resolve each "
                    + "with 'dr resolve-conflict <id> source|target|<json>'";
            case DRILL_FAILED -> "see 'dr test history --type " + alert.labels().getOrDefault("drill", "")
                    + "' for why, fix it, and run the drill again with 'dr test --type "
                    + alert.labels().getOrDefault("drill", "") + "'";
        };
    }
}
