package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.KeyUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dr verify <backup-id>}: checks a stored backup against its manifest. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a backup: quick (size and SHA-256), full (decrypt, decompress, count and "
                + "fingerprint every record) or restore (restore into a scratch database and compare).")
final class VerifyCommand extends DrSubcommand {

    @Parameters(paramLabel = "BACKUP-ID", converter = Arguments.BackupIdConverter.class)
    BackupId id;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "full",
            converter = Arguments.VerifyLevelConverter.class,
            description = "quick, full or restore (default: ${DEFAULT-VALUE}).")
    VerifyLevel level;

    @Override
    public Integer call() {
        Progress progress = new Progress();
        VerificationRecord record;
        try (DrServices services = new DrServices(loadConfig());
             Terminal.ProgressLine line = new Terminal.ProgressLine(progress, err())) {
            record = CliAudit.audited(services.audit(), err(), "verify", id.value(),
                    CliAudit.details().put("level", level.configName()),
                    () -> services.verifyService().verify(id, level, progress));
        } catch (ArchiveIntegrityException | KeyUnavailableException e) {
            throw new OperationFailedException("verification failed: " + e.getMessage());
        }
        if (json()) {
            Printer.json(out(), record);
        } else {
            out().println("Backup " + record.id() + " verified (" + record.level() + "): passed");
            record.checks().forEach(c -> out().println("  - " + c));
            out().println("  took " + Terminal.duration(record.durationMs()));
        }
        return ExitCode.OK;
    }
}
