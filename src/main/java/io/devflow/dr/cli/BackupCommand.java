package io.devflow.dr.cli;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.backup.ScheduledBackups;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import org.apache.camel.CamelExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code dr backup --type full|incremental}: runs one backup through the same pipeline route as the schedule and the
 * API; {@code --store all} backs up every store of the region one after another, planned as the schedules plan
 * them ({@link ScheduledBackups#plan}), which is what the Kubernetes CronJobs run.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a data store now and wait until the backup is committed and verified.")
final class BackupCommand extends DrSubcommand {

    static final String ALL = "all";

    @Option(names = "--type", required = true, paramLabel = "TYPE", converter = Arguments.BackupTypeConverter.class,
            description = "full or incremental (changes since the previous backup; Redis backups are always full).")
    BackupType type;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "mongodb", converter = StoresConverter.class,
            description = "Data store, or all: every store of the region, as the schedules back them up: an "
                    + "incremental is a full backup where the store has no increments, and in the active region "
                    + "MongoDB is left to the capture worker when it runs (default: ${DEFAULT-VALUE}).")
    Stores stores;

    @Option(names = "--region", paramLabel = "REGION",
            description = "Region to back up (default: the active region: the primary until a failover).")
    String region;

    /** One store ({@code mongodb}) or every store of the region ({@code all}). */
    record Stores(Optional<StoreKind> one) {
    }

    static final class StoresConverter implements CommandLine.ITypeConverter<Stores> {
        @Override
        public Stores convert(String value) {
            if (ALL.equals(value)) {
                return new Stores(Optional.empty());
            }
            return new Stores(Optional.of(StoreKind.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + value + "' is not a store; use one of " + StoreKind.names() + " or " + ALL))));
        }
    }

    @Override
    public Integer call() throws Exception {
        DrConfig config = loadConfig();
        RegionId named = region == null ? null : config.requireRegion(region).id();
        try (DrServices services = new DrServices(config);
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            RegionId target = named != null ? named : services.activeRegions().current().region();
            if (stores.one().isPresent()) {
                return one(runtime, new BackupRequest(type, stores.one().get(), target, "cli"));
            }
            ScheduledBackups planner = new ScheduledBackups(config, services.stores(), services.catalog(),
                    services.regions(), services.running(), services.clock(), () -> false, services.activeRegions()::current);
            return all(runtime, planner.plan(type, target, "cli"));
        }
    }

    private int one(DrRuntime runtime, BackupRequest request) throws Exception {
        BackupRecord record;
        try {
            record = run(runtime, request);
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

    /** Every store in turn: a store that fails does not keep the next from being backed up. */
    private int all(DrRuntime runtime, List<ScheduledBackups.StorePlan> plan) {
        List<Object> results = new ArrayList<>();
        Map<StoreKind, String> failed = new LinkedHashMap<>();
        for (ScheduledBackups.StorePlan store : plan) {
            String name = store.store().id() + " (" + store.region() + ")";
            if (store.skipped().isPresent()) {
                results.add(outcome(store, "skipped", "reason", store.skipped().get()));
                if (!json()) {
                    out().println("Backup of " + name + " skipped: " + store.skipped().get());
                    out().println();
                    out().flush();
                }
                continue;
            }
            BackupRequest request = store.request().orElseThrow();
            err().println("dr: " + request.type().id() + " backup of " + name + " ...");
            err().flush();
            try {
                BackupRecord record = run(runtime, request);
                results.add(record);
                if (!record.isCompleted()) {
                    failed.put(store.store(), record.id() + ": " + record.error());
                }
                if (!json()) {
                    Printer.backup(out(), record);
                    out().println();
                }
            } catch (RuntimeException e) {
                Throwable cause = e instanceof CamelExecutionException && e.getCause() != null ? e.getCause() : e;
                String message = Errors.message(cause);
                failed.put(store.store(), message);
                results.add(outcome(store, "failed", "error", message));
                if (!json()) {
                    out().println("Backup of " + name + " failed: " + message);
                    out().println();
                }
            }
            out().flush();
        }
        if (json()) {
            Printer.json(out(), results);
        }
        if (!failed.isEmpty()) {
            throw new OperationFailedException("backup failed for " + failed.entrySet().stream()
                    .map(f -> f.getKey().id() + " (" + f.getValue() + ")").collect(Collectors.joining("; "))
                    + (failed.size() < results.size() ? "; the other stores were backed up or skipped as shown" : ""));
        }
        return ExitCode.OK;
    }

    private BackupRecord run(DrRuntime runtime, BackupRequest request) {
        try (Terminal.ProgressLine progress = new Terminal.ProgressLine(request.progress(), err(), request.store().itemNoun())) {
            return runtime.producer().requestBody("direct:backup", request, BackupRecord.class);
        }
    }

    private static Map<String, Object> outcome(ScheduledBackups.StorePlan store, String status, String key, String text) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("store", store.store().id());
        outcome.put("region", store.region().value());
        outcome.put("status", status);
        outcome.put(key, text);
        return outcome;
    }
}
