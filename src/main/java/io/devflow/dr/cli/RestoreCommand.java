package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.recovery.PointInTimeRecovery;
import io.devflow.dr.recovery.RestoreService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code dr restore <backup-id> --target-region R} restores one full backup;
 * {@code dr restore --point-in-time T --target-region R} restores every store (or {@code --store S}) as of T.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a backup, or every store as of a point in time, into a region.",
                "Documents and keys are written by their identity (existing ones with the same _id or key are "
                        + "replaced, others kept), so a restore can be re-run safely. Every backup is checked "
                        + "(seal, size, checksum) before anything is written."})
final class RestoreCommand extends DrSubcommand {

    @Parameters(paramLabel = "BACKUP-ID", arity = "0..1", converter = Arguments.BackupIdConverter.class,
            description = "The full backup to restore (or use --point-in-time).")
    BackupId id;

    @Option(names = "--point-in-time", paramLabel = "TIME", converter = Arguments.InstantConverter.class,
            description = "Restore the state as of this instant, e.g. 2026-01-27T10:00:00Z: the newest full backup "
                    + "before it and the increments up to it (Redis: the newest snapshot before it).")
    Instant pointInTime;

    @Option(names = "--store", paramLabel = "STORE", converter = Arguments.StoreConverter.class,
            description = "With --point-in-time: only this store (default: every store configured in the target region).")
    StoreKind store;

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
        if ((id == null) == (pointInTime == null)) {
            throw new UsageException("give either a backup id or --point-in-time TIME");
        }
        if (store != null && id != null) {
            throw new UsageException("--store goes with --point-in-time; a backup id names its store already");
        }
        DrConfig config = loadConfig();
        RegionId target = config.requireRegion(targetRegion).id();
        try (DrServices services = new DrServices(config)) {
            return id != null ? restoreBackup(services, target) : restorePointInTime(services, target);
        } catch (ArchiveIntegrityException | KeyUnavailableException e) {
            throw new OperationFailedException("restore stopped: " + e.getMessage());
        }
    }

    private int restoreBackup(DrServices services, RegionId target) {
        RestoreService restore = services.restoreService();
        RestoreService.Plan plan = restore.plan(id, target, targetDatabases);
        if (!json()) {
            out().println("Restore plan");
            Printer.field(out(), "Backup", plan.id() + " (" + plan.store() + ", from " + plan.sourceRegion() + ")");
            Printer.field(out(), "Target", plan.store() + " in " + plan.targetRegion());
            plan.databases().forEach((from, to) -> Printer.field(out(), "Database", from + " -> " + to));
            Printer.field(out(), "Items", Terminal.count(plan.items()));
            out().flush();
        }
        confirm(plan.targetRegion(), plan.id().value());
        Progress progress = new Progress();
        RestoreService.Report report;
        String unit = StoreKind.parse(plan.store()).map(StoreKind::itemNoun).orElse("items");
        try (Terminal.ProgressLine line = new Terminal.ProgressLine(progress, err(), unit)) {
            report = CliAudit.audited(services.audit(), err(), "restore", plan.id().value(), CliAudit.details()
                    .put("store", plan.store()).put("sourceRegion", plan.sourceRegion())
                    .put("targetRegion", plan.targetRegion()), () -> restore.restore(plan, progress));
        }
        try {
            services.recoveries().restored(plan.store(), plan.storedBytes(), report.total(), report.durationMs(),
                    "restore " + plan.id());
        } catch (RuntimeException e) {
            // the restore is done; only the next recovery plan's estimate lacks this run
            err().println("dr: warning: this restore's throughput was not recorded for estimates: "
                    + io.devflow.dr.support.Failures.describe(e));
        }
        if (json()) {
            Printer.json(out(), report);
        } else {
            out().println("Restored " + Terminal.count(report.total()) + " items into " + report.targetRegion()
                    + " in " + Terminal.duration(report.durationMs()));
            report.written().forEach((section, n) -> out().printf("  %-40s %12s%n", section, Terminal.count(n)));
            report.warnings().forEach(w -> err().println("dr: warning: " + w));
        }
        return ExitCode.OK;
    }

    private int restorePointInTime(DrServices services, RegionId target) {
        PointInTimeRecovery recovery = services.pointInTime();
        PointInTimeRecovery.Plan plan = recovery.plan(pointInTime, Optional.ofNullable(store), target, targetDatabases);
        if (!json()) {
            out().println("Point-in-time recovery plan: " + plan.pointInTime() + " into " + plan.targetRegion());
            for (PointInTimeRecovery.StorePlan s : plan.stores()) {
                out().println("  " + s.store() + " (from " + s.sourceRegion() + "): " + s.note());
                for (int i = 0; i < s.backups().size(); i++) {
                    out().printf("    %d. %s%n", i + 1, s.backups().get(i));
                }
                s.databases().forEach((from, to) -> {
                    if (!from.equals(to)) {
                        out().println("    database " + from + " -> " + to);
                    }
                });
            }
            out().flush();
        }
        confirm(plan.targetRegion(), "the state as of " + plan.pointInTime());
        Progress progress = new Progress();
        PointInTimeRecovery.Report report;
        try (Terminal.ProgressLine line = new Terminal.ProgressLine(progress, err())) {
            report = CliAudit.audited(services.audit(), err(), "restore-point-in-time", plan.pointInTime().toString(),
                    CliAudit.details().put("targetRegion", plan.targetRegion()).set("stores",
                            io.devflow.dr.support.Json.MAPPER.valueToTree(plan.stores().stream()
                                    .map(PointInTimeRecovery.StorePlan::store).toList())),
                    () -> recovery.restore(plan, progress));
        }
        if (json()) {
            Printer.json(out(), report);
        } else {
            long total = report.written().values().stream().mapToLong(Long::longValue).sum();
            out().println("Restored " + plan.targetRegion() + " to " + report.pointInTime() + ": "
                    + Terminal.count(total) + " items written in " + Terminal.duration(report.durationMs()));
            report.written().forEach((section, n) -> out().printf("  %-40s %12s%n", section, Terminal.count(n)));
            report.notes().forEach(note -> out().println("  note: " + note));
        }
        return ExitCode.OK;
    }

    private void confirm(String region, String what) {
        if (yes) {
            return;
        }
        Console console = System.console();
        if (console == null) {
            throw new UsageException("refusing to restore without confirmation: pass --yes to restore " + what
                    + " into " + region + " non-interactively");
        }
        String answer = console.readLine("Restore into %s? Items with the same identity are replaced. (yes/no): ", region);
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw new UsageException("restore cancelled; nothing was written");
        }
    }
}
