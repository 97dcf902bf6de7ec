package io.devflow.dr.cli;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import org.apache.camel.CamelExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code dr backup --type full|incremental}: runs one backup through the same pipeline route as the schedule and the API. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a data store now and wait until the backup is committed and verified.")
final class BackupCommand extends DrSubcommand {

    @Option(names = "--type", required = true, paramLabel = "TYPE", converter = Arguments.BackupTypeConverter.class,
            description = "full or incremental (changes since the previous backup; Redis backups are always full).")
    BackupType type;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "mongodb",
            converter = Arguments.StoreConverter.class, description = "Data store (default: ${DEFAULT-VALUE}).")
    StoreKind store;

    @Option(names = "--region", paramLabel = "REGION",
            description = "Region to back up (default: the active region: the primary until a failover).")
    String region;

    @Override
    public Integer call() throws Exception {
        DrConfig config = loadConfig();
        RegionId named = region == null ? null : config.requireRegion(region).id();
        BackupRecord record;
        try (DrServices services = new DrServices(config);
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            BackupRequest request = new BackupRequest(type, store,
                    named != null ? named : services.activeRegions().current().region(), "cli");
            try (Terminal.ProgressLine progress = new Terminal.ProgressLine(request.progress(), err(), store.itemNoun())) {
                record = runtime.producer().requestBody("direct:backup", request, BackupRecord.class);
            }
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (json()) {
            Printer.json(out(), record);
        } else {
            Printer.backup(out(), record);
        }
        if (!record.isCompleted()) {
            throw new OperationFailedException("backup " + record.id() + " (" + record.store() + ", " + record.region()
                    + ") failed: " + record.error());
        }
        return ExitCode.OK;
    }
}
