package io.devflow.dr.cli;

import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupId;
import io.devflow.dr.backup.RestoreService;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.runtime.DrServices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.util.ArrayList;
import java.util.List;

/** {@code dr restore <backup-id> --target-region R}: restores a backup into a region's MongoDB. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup into a region's database. Documents are written by _id (replacing "
                + "documents with the same _id; others are kept), so a restore can be re-run safely.")
final class RestoreCommand extends DrSubcommand {

    @Parameters(paramLabel = "BACKUP-ID", converter = Arguments.BackupIdConverter.class)
    BackupId id;

    @Option(names = "--target-region", required = true, paramLabel = "REGION", description = "Region to restore into.")
    String targetRegion;

    @Option(names = "--target-database", paramLabel = "NAME", split = ",",
            description = "Database to restore into (one-database backups), or SOURCE=TARGET pairs. "
                    + "Default: the original names.")
    List<String> targetDatabases = new ArrayList<>();

    @Option(names = "--yes", description = "Do not ask for confirmation (for scripts).")
    boolean yes;

    @Override
    public Integer call() {
        DrConfig config = loadConfig();
        try (DrServices services = new DrServices(config)) {
            RestoreService restore = services.restoreService();
            RestoreService.Plan plan = restore.plan(id, config.requireRegion(targetRegion).id(), targetDatabases);
            if (!json()) {
                out().println("Restore plan");
                Printer.field(out(), "Backup", plan.id() + " (from " + plan.sourceRegion() + ")");
                Printer.field(out(), "Target", plan.store() + " in " + plan.targetRegion());
                plan.databases().forEach((from, to) -> Printer.field(out(), "Database", from + " -> " + to));
                Printer.field(out(), "Items", Terminal.count(plan.items()));
                out().flush();
            }
            confirm(plan);
            Progress progress = new Progress();
            RestoreService.Report report;
            try (Terminal.ProgressLine line = new Terminal.ProgressLine(progress, err())) {
                report = restore.restore(plan, progress);
            } catch (ArchiveIntegrityException | KeyUnavailableException e) {
                throw new OperationFailedException("restore stopped: " + e.getMessage());
            }
            if (json()) {
                Printer.json(out(), report);
            } else {
                out().println("Restored " + Terminal.count(report.total()) + " items into " + report.targetRegion()
                        + " in " + Terminal.duration(report.durationMs()));
                report.written().forEach((collection, n) -> out().printf("  %-40s %12s%n", collection, Terminal.count(n)));
                report.warnings().forEach(w -> err().println("dr: warning: " + w));
            }
        }
        return ExitCode.OK;
    }

    private void confirm(RestoreService.Plan plan) {
        if (yes) {
            return;
        }
        Console console = System.console();
        if (console == null) {
            throw new UsageException("refusing to restore without confirmation: pass --yes to restore "
                    + plan.id() + " into " + plan.targetRegion() + " non-interactively");
        }
        String answer = console.readLine("Restore into %s? Documents with the same _id are replaced. (yes/no): ",
                plan.targetRegion());
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw new UsageException("restore cancelled; nothing was written");
        }
    }
}
