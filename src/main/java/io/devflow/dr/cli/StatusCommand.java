package io.devflow.dr.cli;

import io.devflow.dr.backup.StatusService;
import io.devflow.dr.runtime.DrServices;
import picocli.CommandLine.Command;

import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** {@code dr status}: the newest backups per region and store, against the RPO. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show, per region and data store, the last full and incremental backups and their age against "
                + "the recovery point objective.")
final class StatusCommand extends DrSubcommand {

    @Override
    public Integer call() {
        StatusService.Status status;
        try (DrServices services = new DrServices(loadConfig())) {
            status = services.status().status();
        }
        if (json()) {
            Printer.json(out(), status);
            return ExitCode.OK;
        }
        out().println("Disaster Recovery Status");
        out().println();
        out().println("  Primary Region: " + status.primaryRegion());
        out().println("  Checked:        " + status.checkedAt().truncatedTo(ChronoUnit.SECONDS));
        out().println("  Objectives:     RPO " + status.rpoMinutes() + " min, RTO " + status.rtoMinutes() + " min");
        out().println();
        out().println("Backups:");
        String format = "  %-10s %-9s %-9s %-52s %-58s %s%n";
        out().printf(Locale.ROOT, format, "REGION", "ROLE", "STORE", "LAST FULL", "LAST INCREMENTAL", "RPO");
        for (StatusService.StoreStatus s : status.stores()) {
            String rpo = s.error() != null ? s.error() : s.rpoMet() == null ? "-" : (s.rpoMet() ? "met" : "MISSED");
            out().printf(Locale.ROOT, format, s.region(), s.role(), s.store(), describe(s.lastFull()),
                    describe(s.lastIncremental()), rpo);
        }
        return ExitCode.OK;
    }

    private static String describe(StatusService.Last last) {
        return last == null ? "none" : last.id() + " (" + Terminal.duration(last.ageSeconds() * 1000) + " ago)";
    }
}
