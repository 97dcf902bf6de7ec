package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code dr backups list}: the catalog, read from the buckets of every region. */
@Command(name = "backups", mixinStandardHelpOptions = true, description = "Inspect the backup catalog.",
        subcommands = BackupsCommand.ListCommand.class)
final class BackupsCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List backups of every region, newest first (regions that cannot be reached are named).")
    static final class ListCommand extends DrSubcommand {

        @Option(names = "--store", paramLabel = "STORE", converter = Arguments.StoreConverter.class,
                description = "Only this store.")
        StoreKind store;

        @Option(names = "--region", paramLabel = "REGION", description = "Only this region's bucket.")
        String region;

        @Override
        public Integer call() {
            DrConfig config = loadConfig();
            Optional<RegionId> regionFilter = Optional.ofNullable(region).map(r -> config.requireRegion(r).id());
            BackupCatalog.Listing listing;
            try (DrServices services = new DrServices(config)) {
                listing = services.catalog().list(Optional.ofNullable(store), regionFilter);
            }
            if (json()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("backups", listing.backups());
                body.put("unreachableRegions", listing.unreachable());
                Printer.json(out(), body);
            } else if (listing.backups().isEmpty()) {
                out().println("No backups" + (listing.unreachable().isEmpty() ? "." : " in the reachable regions."));
            } else {
                Printer.backupTable(out(), listing.backups());
            }
            listing.unreachable().forEach((r, why) -> err().println("dr: warning: region " + r + " could not be listed: " + why));
            long searched = regionFilter.isPresent() ? 1 : config.regions().size();
            if (listing.unreachable().size() == searched) {
                throw new OperationFailedException("no region's backup storage could be reached");
            }
            return ExitCode.OK;
        }
    }
}
