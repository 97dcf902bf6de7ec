package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.compliance.ComplianceReport;
import io.devflow.dr.compliance.ComplianceReporter;
import io.devflow.dr.compliance.DrillDocuments;
import io.devflow.dr.compliance.Durations;
import io.devflow.dr.compliance.EvidenceBundle;
import io.devflow.dr.compliance.ReportText;
import io.devflow.dr.compliance.Standard;
import io.devflow.dr.failover.FailoverRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code dr compliance report|export|verify}: DR controls of the standards judged on measured evidence. */
@Command(name = "compliance", mixinStandardHelpOptions = true,
        description = "Judge the DR controls of SOC 2, ISO 27001, HIPAA, PCI DSS and GDPR on measured evidence, "
                + "export it signed, and verify an export offline.",
        subcommands = {ComplianceCommand.Report.class, ComplianceCommand.Export.class, ComplianceCommand.Verify.class})
final class ComplianceCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    /** The options of a report, shared by report and export. */
    static final class Scope {
        @Option(names = "--standard", paramLabel = "STANDARD", defaultValue = "all",
                description = "soc2, iso27001, hipaa, pci-dss, gdpr or all (default: ${DEFAULT-VALUE}).")
        String standard;

        @Option(names = "--period", paramLabel = "AGE", defaultValue = "90d",
                description = "The period judged, up to now: 90d, 30d, 12h (default: ${DEFAULT-VALUE}).")
        String period;

        List<Standard> standards() {
            try {
                return Standard.parse(standard);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--standard: " + e.getMessage());
            }
        }

        Duration duration() {
            try {
                return Durations.parse(period);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--period: " + e.getMessage());
            }
        }
    }

    static ComplianceReporter reporter(DrServices services) {
        return new ComplianceReporter(services.config(), services.catalog(), new FailoverRecords(services.state()),
                services.activeRegions(), services.audit(), new DrillDocuments(services.state()), services.clock());
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Each control: pass, fail or not-enough-evidence, with its evidence and gaps. --output md "
                    + "gives Markdown. Exit code 1 when a control fails.")
    static final class Report extends DrSubcommand {

        @picocli.CommandLine.Mixin
        Scope scope = new Scope();

        @Override
        public Integer call() {
            List<Standard> standards = scope.standards();
            Duration period = scope.duration();
            ComplianceReport report;
            try (DrServices services = new DrServices(loadConfig())) {
                report = reporter(services).report(standards, period).report();
            }
            switch (common().output) {
                case json -> Printer.json(out(), report);
                case md -> ReportText.markdown(out(), report);
                default -> ReportText.text(out(), report);
            }
            return report.verdict() == io.devflow.dr.compliance.Verdict.FAIL ? ExitCode.FAILED : ExitCode.OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the report, its evidence records and a signature (the deployment's Ed25519 "
                    + "evidence key) into a new directory, for 'dr compliance verify' offline.")
    static final class Export extends DrSubcommand {

        @picocli.CommandLine.Mixin
        Scope scope = new Scope();

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "A new or empty directory.")
        Path dir;

        @Override
        public Integer call() {
            List<Standard> standards = scope.standards();
            Duration period = scope.duration();
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UsageException("--out " + dir + " is a file; give a new directory");
            }
            ComplianceReporter.Judged judged;
            String publicKey;
            try (DrServices services = new DrServices(loadConfig())) {
                judged = reporter(services).report(standards, period);
                var signer = services.controlKeys().evidenceSigner();
                publicKey = signer.publicKey();
                try {
                    EvidenceBundle.export(judged, signer, dir);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                CliAudit.record(services.audit(), err(), "compliance-export", dir.toAbsolutePath().toString(),
                        CliAudit.details().put("outcome", judged.report().verdict().id())
                                .put("period", judged.report().period()));
            }
            if (json()) {
                Printer.json(out(), java.util.Map.of("dir", dir.toString(), "verdict", judged.report().verdict(),
                        "publicKey", publicKey));
            } else {
                out().println("Exported the compliance report (" + judged.report().verdict().id() + ") and its "
                        + "evidence to " + dir);
                out().println("  signed with the deployment's evidence key " + publicKey);
                out().println("  check it offline: dr compliance verify " + dir + " --public-key " + publicKey);
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check an exported directory offline (no access to the service): the signature and every "
                    + "file's digest; any changed byte fails. Exit code 1 when it does not verify.")
    static final class Verify extends DrSubcommand {

        @Parameters(paramLabel = "DIR", description = "A directory written by 'dr compliance export'.")
        Path dir;

        @Option(names = "--public-key", paramLabel = "KEY|FILE",
                description = "The deployment's evidence public key (base64, or a file holding it), as the operator "
                        + "published it; without it, the key in DIR is used, which proves integrity but not origin.")
        String publicKey;

        @Override
        public Integer call() {
            if (!Files.isDirectory(dir)) {
                throw new UsageException(dir + " is not a directory written by 'dr compliance export'");
            }
            EvidenceBundle.Verification verification = EvidenceBundle.verify(dir, Optional.ofNullable(publicKey)
                    .map(ComplianceCommand::keyText));
            if (json()) {
                Printer.json(out(), verification);
            } else if (verification.valid()) {
                out().println("Evidence in " + dir + " verifies: " + verification.files() + " files, signature by "
                        + verification.publicKey());
                if (!verification.keyPinned()) {
                    out().println("  the key was taken from the bundle: pass --public-key to check who signed it");
                }
            } else {
                out().println("Evidence in " + dir + " does NOT verify:");
                verification.problems().forEach(p -> out().println("  - " + p));
            }
            out().flush();
            if (!verification.valid()) {
                throw new OperationFailedException("the evidence in " + dir + " does not verify: "
                        + verification.problems().get(0));
            }
            return ExitCode.OK;
        }
    }

    private static String keyText(String value) {
        Path file = Path.of(value);
        if (value.length() != 44 && Files.isRegularFile(file)) {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new UsageException("--public-key " + value + " cannot be read: " + e.getMessage());
            }
        }
        return value.strip();
    }
}
