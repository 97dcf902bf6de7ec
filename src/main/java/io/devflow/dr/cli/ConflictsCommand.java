package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.RecordVersion;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.support.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code dr conflicts list|show}: the replication conflicts kept in the control state. */
@Command(name = "conflicts", mixinStandardHelpOptions = true, description = "Inspect replication conflicts.",
        subcommands = {ConflictsCommand.ListCommand.class, ConflictsCommand.Show.class})
final class ConflictsCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List conflicts: open ones (waiting for 'dr resolve-conflict') by default.")
    static final class ListCommand extends DrSubcommand {

        @Option(names = "--status", paramLabel = "STATUS", defaultValue = "open",
                description = "open, resolved or all (default: ${DEFAULT-VALUE}).")
        String status;

        @Option(names = "--store", paramLabel = "STORE", converter = Arguments.StoreConverter.class,
                description = "Only this store.")
        StoreKind store;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most this many resolved conflicts, newest first (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (!List.of("open", "resolved", "all").contains(status)) {
                throw new UsageException("--status must be open, resolved or all, not '" + status + "'");
            }
            if (limit < 1) {
                throw new UsageException("--limit must be at least 1");
            }
            List<Conflict> conflicts = new ArrayList<>();
            try (DrServices services = new DrServices(loadConfig())) {
                ReplicationService replication = services.requireReplication();
                if (!status.equals("resolved")) {
                    conflicts.addAll(replication.openConflicts());
                }
                if (!status.equals("open")) {
                    conflicts.addAll(replication.resolvedConflicts(limit));
                }
            }
            if (store != null) {
                conflicts.removeIf(c -> !c.store().equals(store.id()));
            }
            if (json()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("conflicts", conflicts);
                Printer.json(out(), body);
                return ExitCode.OK;
            }
            if (conflicts.isEmpty()) {
                out().println(status.equals("open") ? "No open conflicts." : "No conflicts.");
                return ExitCode.OK;
            }
            String format = "%-32s %-9s %-23s %-40s %-20s %-16s %-8s %s%n";
            out().printf(Locale.ROOT, format, "ID", "STORE", "DIRECTION", "RECORD", "DETECTED", "STRATEGY", "STATUS", "DECISION");
            for (Conflict c : conflicts) {
                out().printf(Locale.ROOT, format, c.id(), c.store(), c.source() + " -> " + c.target(),
                        abbreviate(c.record().toString(), 40), c.detectedAt().truncatedTo(ChronoUnit.SECONDS),
                        c.strategy(), c.status().id(), c.decision());
            }
            long open = conflicts.stream().filter(Conflict::isOpen).count();
            if (open > 0) {
                out().println();
                out().println(open + " open: resolve each with 'dr resolve-conflict <id> source|target|'<json>''; "
                        + "'dr conflicts show <id>' shows both versions.");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one conflict with both versions.")
    static final class Show extends DrSubcommand {

        @Parameters(paramLabel = "CONFLICT-ID", description = "The conflict, e.g. conflict-20260127-103001-k3m9qz.")
        String id;

        @Override
        public Integer call() {
            Conflict conflict;
            try (DrServices services = new DrServices(loadConfig())) {
                conflict = services.requireReplication().conflict(id);
            }
            if (json()) {
                Printer.json(out(), conflict);
            } else {
                print(out(), conflict);
            }
            return ExitCode.OK;
        }
    }

    static void print(PrintWriter out, Conflict c) {
        out.println("Conflict " + c.id() + " " + c.status().id());
        Printer.field(out, "Store", c.store() + " (" + c.source() + " -> " + c.target() + ")");
        Printer.field(out, "Record", c.record());
        Printer.field(out, "Detected", c.detectedAt().truncatedTo(ChronoUnit.MILLIS));
        Printer.field(out, "Strategy", c.strategy());
        Printer.field(out, "Decision", c.decision() + (c.reason() == null ? "" : ": " + c.reason()));
        Printer.field(out, "Resolved", c.resolvedAt() == null ? null : c.resolvedAt() + " by " + c.resolvedBy());
        if (c.laterSourceVersions() > 0) {
            Printer.field(out, "Held changes", c.laterSourceVersions() + " later source change(s); the source version below is the newest");
        }
        version(out, "Source (" + c.source() + ")", c.sourceVersion());
        version(out, "Target (" + c.target() + ")", c.targetVersion());
        if (c.resolution() != null) {
            out.println("  Written:");
            out.println(indent(Json.pretty(c.resolution())));
        }
        out.flush();
    }

    private static void version(PrintWriter out, String label, RecordVersion v) {
        out.println("  " + label + ":" + (v.changedAt() == null ? "" : " changed " + v.changedAt()));
        out.println(v.exists() ? indent(Json.pretty(v.content())) : "      (deleted)");
    }

    private static String indent(String text) {
        return "      " + text.replace("\n", "\n      ");
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
