package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.failover.HealthReport;
import io.devflow.dr.replication.ReplicationHealth;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.status.BackupStatusService;
import io.devflow.dr.status.SystemStatus;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dr status}: the seed's status blocks (system, replication, conflicts, recent failovers) and the
 * backups per region and store against the RPO. Checks every region's health itself; replication figures
 * come from the report the running server published.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the primary and active region, health, replication per target region (status, last sync, "
                + "lag, counts), open conflicts, recent failovers, and the last backups against the RPO.")
final class StatusCommand extends DrSubcommand {

    @Override
    public Integer call() {
        SystemStatus status;
        try (DrServices services = new DrServices(loadConfig())) {
            status = services.systemStatus().status(false);
        }
        if (json()) {
            Printer.json(out(), status);
        } else {
            print(out(), status);
        }
        return ExitCode.OK;
    }

    private static void printLeadership(PrintWriter out, SystemStatus.Leadership leadership) {
        String leader = leadership.leader() == null ? "none recorded yet"
                : leadership.leader() + " at " + leadership.leaderApiUrl() + ", term " + leadership.epoch() + " since "
                + seconds(leadership.since());
        out.println("  Leader (" + leadership.engine() + "): " + leader
                + (leadership.error() == null ? "" : " (record unreadable: " + leadership.error() + ")"));
        if (leadership.instance() != null) {
            out.println("  This Instance: " + leadership.instance() + " (" + leadership.role() + ")");
        }
    }

    /** Whether the controller fails over by itself, and its last verdict with the evidence behind it. */
    private static void printAutoFailover(PrintWriter out, SystemStatus.AutoFailover auto) {
        if (auto == null) {
            return;
        }
        String verdict = auto.action() == null ? "no verdict yet" : "last verdict " + auto.action()
                + (auto.code() == null || auto.code().equals(auto.action()) ? "" : " (" + auto.code() + ")")
                + " at " + seconds(auto.at()) + (auto.failoverId() == null ? "" : ", failover " + auto.failoverId());
        out.println("  Automatic Failover: " + (auto.enabled() ? "on" : "off (recovery.autoFailover)") + "; " + verdict);
        if (auto.reason() != null && !"healthy".equals(auto.action())) {
            out.println("    " + auto.reason());
            auto.evidence().forEach(e -> out.println("    - " + e));
        }
    }

    static void print(PrintWriter out, SystemStatus status) {
        SystemStatus.System system = status.system();
        out.println("Disaster Recovery Status");
        out.println();
        out.println("📊 System Status:");
        out.println("  Primary Region: " + system.primaryRegion());
        out.println("  Active Region: " + system.activeRegion() + (system.activeTerm() == 0 ? "" : " (term "
                + system.activeTerm() + " since " + seconds(system.activeSince()) + (system.failoverId() == null ? ""
                : ", failover " + system.failoverId()) + ")"));
        out.println("  Health Status: " + icon(system.health()) + " " + capitalize(system.health()));
        system.problems().forEach(p -> out.println("    - " + p));
        out.println("  Last Health Check: " + seconds(system.lastHealthCheck()));
        out.println("  Last Backup: " + (system.lastBackup() == null ? "none" : seconds(system.lastBackup())));
        printLeadership(out, status.leadership());
        for (HealthReport.Region region : status.regions()) {
            String role = system.roles().getOrDefault(region.region(), region.role());
            boolean configuredPrimary = region.region().equals(system.primaryRegion());
            StringBuilder line = new StringBuilder("    " + (region.healthy() ? "✅ " : "❌ ") + region.region() + " ("
                    + role + (configuredPrimary && "standby".equals(role) ? ", configured primary" : "") + "):");
            for (HealthReport.Check check : region.checks()) {
                line.append(' ').append(check.component()).append(check.ok() ? " ok" : " DOWN");
            }
            out.println(line);
        }
        printAutoFailover(out, status.autoFailover());
        out.println();
        out.println("🔄 Replication Status:");
        SystemStatus.Replication replication = status.replication();
        if ("not configured".equals(replication.state())) {
            out.println("  Not configured (disasterRecovery.replication)");
        } else {
            out.println("  Source: " + replication.source() + ", conflict resolution: " + replication.strategy());
            if (replication.reportedAt() == null) {
                out.println("  No report yet: replication runs in dr server, which has not reported.");
            } else if (!"running".equals(replication.state())) {
                out.println("  ⚠️  Last report " + replication.reportAgeSeconds() + " s ago from " + replication.reportedBy()
                        + ": is dr server running?");
            }
            replication.desired().stream().filter(d -> !d.running()).forEach(d -> out.println("  " + d.store()
                    + ": stopped" + (d.changedBy() == null ? " (replication.enabled is false)"
                    : " by " + d.changedBy() + " at " + seconds(d.changedAt()))));
            for (ReplicationReport.Target target : replication.targets()) {
                out.println("  " + icon(target.status().id()) + " " + target.region() + ":");
                out.println("    Status: " + target.status());
                out.println("    Last Sync: " + (target.lastSync() == null ? "never" : seconds(target.lastSync())));
                out.println("    Lag: " + lag(target.lagSeconds()));
                Map<String, Long> counts = target.counts();
                if (counts.containsKey("documents")) {
                    out.println("    Documents: " + Terminal.count(counts.get("documents")));
                }
                if (counts.containsKey("dataPoints")) {
                    out.println("    Data Points: " + Terminal.count(counts.get("dataPoints")));
                }
                if (counts.containsKey("keys")) {
                    out.println("    Keys: " + Terminal.count(counts.get("keys")));
                }
                out.println("    Bytes: " + Terminal.bytes(target.bytes()));
                for (ReplicationReport.Store store : target.stores()) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "    %-9s %-12s %-9s lag %-8s %8.1f/s  applied %s", store.store(), store.phase(),
                            store.health(), lag(store.lagSeconds()), store.throughput(), Terminal.count(store.applied())));
                    if (store.backlog() > 0) {
                        line.append(", backlog ").append(Terminal.count(store.backlog()));
                    }
                    if (store.repairs() > 0) {
                        line.append(", repairs ").append(Terminal.count(store.repairs()));
                    }
                    out.println(line);
                    if (store.lastError() != null && store.health() == ReplicationHealth.FAILED) {
                        out.println("      error: " + store.lastError());
                    }
                    if (store.warning() != null) {
                        out.println("      warning: " + store.warning());
                    }
                }
            }
        }
        out.println();
        out.println("⚡ Conflicts:");
        if (status.conflicts().open() == 0) {
            out.println("  No conflicts detected");
        } else {
            out.println("  " + status.conflicts().open() + " open; resolve with: dr resolve-conflict <id> source|target|'<json>'");
            for (Conflict c : status.conflicts().items()) {
                out.println("    " + c.id() + "  " + c.store() + " " + c.record() + "  (" + c.source() + " -> "
                        + c.target() + ", " + seconds(c.detectedAt()) + ")");
            }
        }
        out.println();
        out.println("📈 Recent Failovers:");
        if (status.recentFailovers().isEmpty()) {
            out.println("  No recent failovers");
        } else {
            status.recentFailovers().forEach(f -> out.println("  " + FailoverPrinter.summary(f)));
        }
        out.println();
        BackupStatusService.Status backups = status.backups();
        out.println("💾 Backups (RPO " + backups.rpoMinutes() + " min, RTO " + backups.rtoMinutes() + " min):");
        String format = "  %-10s %-9s %-9s %-52s %-58s %s%n";
        out.printf(Locale.ROOT, format, "REGION", "ROLE", "STORE", "LAST FULL", "LAST INCREMENTAL", "RPO");
        for (BackupStatusService.StoreStatus s : backups.stores()) {
            String rpo = s.error() != null ? s.error() : s.rpoMet() == null ? "-" : (s.rpoMet() ? "met" : "MISSED");
            out.printf(Locale.ROOT, format, s.region(), s.role(), s.store(), describe(s.lastFull()),
                    describe(s.lastIncremental()), rpo);
        }
        printObjectives(out, status);
        out.flush();
    }

    /** Per store, the recovery time a drill last measured and the current recovery point, next to the targets. */
    private static void printObjectives(PrintWriter out, SystemStatus status) {
        if (status.objectives() == null || status.objectives().isEmpty()) {
            return;
        }
        out.println();
        out.println("🎯 Recovery Objectives (measured):");
        String format = "  %-9s %-58s %-7s %-48s %s%n";
        out.printf(Locale.ROOT, format, "STORE", "MEASURED RTO (target " + status.backups().rtoMinutes() + " min)", "RTO",
                "MEASURED RPO (target " + status.backups().rpoMinutes() + " min)", "RPO");
        for (RecoveryObjectives.StoreObjectives o : status.objectives()) {
            String rto = o.rtoMeasuredSeconds() == null ? "never measured: run dr test --type backup"
                    : seconds(o.rtoMeasuredSeconds()) + " (" + o.rtoDrillId() + ", " + seconds(o.rtoMeasuredAt()) + ")";
            String rpo = o.rpoMeasuredSeconds() == null ? "no restorable point" : seconds(o.rpoMeasuredSeconds())
                    + " (lag " + (o.replicationLagSeconds() == null ? "-" : seconds(o.replicationLagSeconds()))
                    + ", newest point " + (o.restorePointAgeSeconds() == null ? "none" : seconds(o.restorePointAgeSeconds())
                    + " old") + ")";
            out.printf(Locale.ROOT, format, o.store(), rto, o.rtoMet() ? "met" : "MISSED", rpo, o.rpoMet() ? "met" : "MISSED");
        }
    }

    private static String seconds(double seconds) {
        return Terminal.duration(Math.round(seconds * 1000));
    }

    private static String lag(double seconds) {
        return seconds < 1 ? Math.round(seconds * 1000) + "ms" : Terminal.duration(Math.round(seconds * 1000));
    }

    private static String icon(String health) {
        return switch (health) {
            case "healthy" -> "✅";
            case "degraded" -> "⚠️ ";
            case "stopped" -> "⏸️ ";
            default -> "❌";
        };
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String seconds(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String describe(BackupStatusService.Last last) {
        return last == null ? "none" : last.id() + " (" + Terminal.duration(last.ageSeconds() * 1000) + " ago)";
    }
}
