package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.compliance.Durations;
import io.devflow.dr.control.AuditEntry;
import io.devflow.dr.control.AuditVerification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** {@code dr audit list|verify}: the hash-chained audit log of every DR action. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Read and verify the audit log: every DR action with who, when, what and its outcome.",
        subcommands = {AuditCommand.ListEntries.class, AuditCommand.Verify.class})
final class AuditCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The newest entries, oldest first.")
    static final class ListEntries extends DrSubcommand {

        @Option(names = "--since", paramLabel = "WHEN",
                description = "Only entries since then: a time (2026-01-27T10:00:00Z) or an age (24h, 7d).")
        String since;

        @Option(names = "--action", paramLabel = "ACTION", description = "Only this action (backup, restore, ...).")
        String action;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most this many entries (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new UsageException("--limit must be at least 1");
            }
            Instant from = since == null ? null : since(since);
            List<AuditEntry> entries;
            try (DrServices services = new DrServices(loadConfig())) {
                entries = services.audit().list(from, action, limit);
            }
            if (json()) {
                Printer.json(out(), entries);
                return ExitCode.OK;
            }
            String format = "%6s  %-20s %-28s %-12s %-36s %s%n";
            out().printf(Locale.ROOT, format, "SEQ", "AT", "ACTION", "OUTCOME", "SUBJECT", "BY");
            for (AuditEntry e : entries) {
                out().printf(Locale.ROOT, format, e.legacy() ? "legacy" : e.seq(),
                        e.at() == null ? "-" : e.at().truncatedTo(ChronoUnit.SECONDS), e.action(),
                        e.outcome() == null ? "-" : e.outcome(), e.subject(), e.by());
            }
            out().flush();
            return ExitCode.OK;
        }

        private static Instant since(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                try {
                    return Instant.now().minus(Durations.parse(text));
                } catch (IllegalArgumentException notAnAge) {
                    throw new UsageException("--since '" + text + "' is neither a time (2026-01-27T10:00:00Z) nor "
                            + "an age (24h, 7d)");
                }
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the whole chain: every entry present, authentic, in order and linked to the one "
                    + "before. Exit code 1 names the first bad entry.")
    static final class Verify extends DrSubcommand {

        @Override
        public Integer call() {
            AuditVerification verification;
            try (DrServices services = new DrServices(loadConfig())) {
                verification = services.audit().verify();
            }
            if (json()) {
                Printer.json(out(), verification);
            } else if (verification.intact()) {
                out().println("Audit log intact: " + verification.entries() + " chained entries"
                        + (verification.lastAt() == null ? "" : " up to " + verification.lastAt())
                        + ", head " + verification.headHash());
                if (verification.legacyEntries() > 0) {
                    out().println("  " + verification.legacyEntries() + " entries written before the chain are "
                            + "listed as its legacy prefix (signed, not chained)");
                }
            } else {
                out().println("Audit log NOT intact: first bad entry " + verification.firstBad() + ": "
                        + verification.problem());
                out().println("  entries 1 to " + verification.entries() + " verified, head " + verification.headHash());
            }
            out().flush();
            if (!verification.intact()) {
                throw new OperationFailedException("the audit log is not intact: entry " + verification.firstBad()
                        + ": " + verification.problem());
            }
            return ExitCode.OK;
        }
    }
}
