package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.retention.RetentionAudit;
import io.devflow.dr.retention.RetentionService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** {@code dr retention apply [--dry-run]}: the grandfather-father-son retention, with a reason for every backup. */
@Command(name = "retention", mixinStandardHelpOptions = true, description = "Apply the retention policy.",
        subcommands = RetentionCommand.Apply.class)
final class RetentionCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Keep the daily, weekly and monthly full backups of backup.retention, the last 24 hours of "
                    + "increments and everything they depend on; delete the rest, failed and abandoned backups, and "
                    + "abort abandoned multipart uploads; delete conflicts resolved longer ago than "
                    + "replication.conflicts.keepResolvedDays. Every backup is listed with what happens to it and why.")
    static final class Apply extends DrSubcommand {

        @Option(names = "--dry-run", description = "Show what would be kept and deleted; change nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            RetentionService.Report report;
            try (DrServices services = new DrServices(loadConfig())) {
                report = new RetentionAudit(services.audit()).recorded(
                        services.conflictRetention().apply(dryRun, services.retention().apply(dryRun)), Operator.name());
            }
            if (json()) {
                Printer.json(out(), report);
            } else {
                String format = "%-7s %-40s %-9s %-10s %-11s %-20s %s%n";
                out().printf(Locale.ROOT, format, "ACTION", "ID", "STORE", "REGION", "STATUS", "STARTED", "REASON");
                for (RetentionService.Entry e : report.backups()) {
                    out().printf(Locale.ROOT, format, e.action(), e.id(), e.store(), e.region(), e.status(),
                            e.startedAt().truncatedTo(ChronoUnit.SECONDS), e.reason());
                }
                report.abortedUploads().forEach(u -> out().println((dryRun ? "would abort" : "aborted") + " upload " + u));
                out().println((dryRun ? "Dry run: would keep " : "Kept ") + report.kept() + ", "
                        + (dryRun ? "would delete " : "deleted ") + report.deleted() + ".");
                if (report.resolvedConflicts() != null && report.resolvedConflicts().error() == null) {
                    out().println((dryRun ? "Would delete " : "Deleted ") + report.resolvedConflicts().deleted().size()
                            + " conflict(s) resolved before " + report.resolvedConflicts().resolvedBefore()
                            .truncatedTo(ChronoUnit.SECONDS) + ".");
                }
            }
            if (report.resolvedConflicts() != null && report.resolvedConflicts().error() != null) {
                err().println("dr: warning: " + report.resolvedConflicts().error());
            }
            report.unreachableRegions().forEach((r, why) ->
                    err().println("dr: warning: region " + r + " was skipped: " + why));
            if (!report.unreachableRegions().isEmpty() && report.backups().isEmpty()) {
                throw new OperationFailedException("no region's backup storage could be reached");
            }
            return ExitCode.OK;
        }
    }
}
