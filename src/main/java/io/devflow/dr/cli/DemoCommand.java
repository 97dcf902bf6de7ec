package io.devflow.dr.cli;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.embedded.DemoEnvironment;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.ReplicationService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** {@code dr demo}: the whole system on an embedded two-region environment. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded two-region environment (MongoDB, Redis, InfluxDB when installed, and S3 per "
                + "region, on loopback) with sample data, run the DR service on it, take a full backup of every store, "
                + "verify the MongoDB one by restoring it into a scratch database, replicate us-east-1 to us-west-2, "
                + "print a summary and the status, and keep running (replication, change capture) until Ctrl-C.")
final class DemoCommand extends DrSubcommand {

    private static final Duration REPLICATION_WAIT = Duration.ofMinutes(3);

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".dr-demo",
            description = "Where the environment keeps its data, keys and dr-config.json (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--once", description = "Run the cycle once and exit: 0 if the backups, their verification and "
            + "the initial replication passed.")
    boolean once;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the HTTP API and management endpoints (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        ServerCommand.ensureAddressFree("127.0.0.1", httpPort, "pass --http-port PORT");
        out.println("Starting the embedded environment in " + dataDir.toAbsolutePath().normalize() + " ...");
        out.flush();
        try (DemoEnvironment env = DemoEnvironment.start(dataDir, httpPort)) {
            if (env.seeded() > 0) {
                out.println("Seeded " + Terminal.count(env.seeded()) + " sample records (documents, keys and points) "
                        + "into us-east-1.");
            }
            if (!env.influxAvailable()) {
                out.println("InfluxDB is not installed (no influxd on the PATH): the demo runs without it. "
                        + "Install InfluxDB 1.x to include it (Debian: apt-get install influxdb).");
            }
            DrConfig config = root().loader.load(env.configFile());
            try (DrServices services = new DrServices(config);
                 DrRuntime runtime = ServerCommand.start(services, config)) {
                Progress progress = new Progress();
                List<BackupRecord> backups = new ArrayList<>();
                VerificationRecord verification = null;
                RegionConfig active = config.requireRegion(services.activeRegions().current().region().value());
                String standby = config.regions().values().stream().map(r -> r.id().value())
                        .filter(id -> !id.equals(active.id().value())).findFirst().orElse(DemoEnvironment.SECONDARY);
                try (Terminal.ProgressLine line = new Terminal.ProgressLine(progress, err())) {
                    for (StoreKind store : StoreKind.values()) {
                        if (services.stores().get(store).isConfigured(active)) {
                            backups.add(runtime.producer().requestBody("direct:backup", new BackupRequest(BackupType.FULL,
                                    store, active.id(), "demo", progress), BackupRecord.class));
                        }
                    }
                    BackupRecord mongo = backups.get(0);
                    if (mongo.isCompleted()) {
                        verification = services.verifyService().verify(BackupId.parse(mongo.id()).orElseThrow(),
                                VerifyLevel.RESTORE, progress);
                    }
                }
                summary(out, env, config, backups, verification, active.id().value(), standby);
                List<String> failed = backups.stream().filter(b -> !b.isCompleted())
                        .map(b -> b.store() + ": " + b.error()).toList();
                if (!failed.isEmpty()) {
                    throw new OperationFailedException("the demo backup failed: " + String.join("; ", failed));
                }
                out.println();
                if (!active.id().value().equals(DemoEnvironment.PRIMARY)) {
                    out.println(active.id() + " is the active region, not " + DemoEnvironment.PRIMARY + ": a failover "
                            + "in an earlier run of this demo moved it, and the demo follows it (the commands above "
                            + "name it; 'failovers list' says when and why).");
                }
                ReplicationService replication = services.replication().orElseThrow();
                out.println("Replicating " + replication.directions().stream().map(Direction::toString)
                        .collect(Collectors.joining(", ")) + " (" + replication.config().conflicts().strategy().id()
                        + ") ...");
                out.flush();
                boolean synced = awaitReplication(replication, REPLICATION_WAIT);
                if (synced) {
                    backups.addAll(backUpStandby(runtime, services, config, active));
                }
                out.println();
                StatusCommand.print(out, services.systemStatus().status(true));
                if (!synced) {
                    throw new OperationFailedException("replication to " + standby + " did not catch up within "
                            + REPLICATION_WAIT.toSeconds() + " s; see the status above");
                }
                List<String> standbyFailed = backups.stream().filter(b -> !b.isCompleted())
                        .map(b -> b.store() + " in " + b.region() + ": " + b.error()).toList();
                if (!standbyFailed.isEmpty()) {
                    throw new OperationFailedException("the standby's backup failed: " + String.join("; ", standbyFailed));
                }
                if (once) {
                    return ExitCode.OK;
                }
                out.println();
                out.println("Running: " + standby + " follows " + active.id() + " (change something in " + active.id()
                        + " and watch 'status'); "
                        + "the change-capture worker commits a MongoDB segment every minute. Press Ctrl-C to stop.");
                out.flush();
                Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "dr-demo-shutdown"));
                runtime.awaitStop();
            }
        }
        return ExitCode.OK;
    }

    /**
     * Full backups of every store of the other regions, once they caught up: a failover needs a verified backup of
     * each store in the target's bucket within the RPO, so that the walkthrough's failover and switchback can run.
     */
    private List<BackupRecord> backUpStandby(DrRuntime runtime, DrServices services, DrConfig config, RegionConfig active) {
        List<BackupRecord> done = new ArrayList<>();
        Progress progress = new Progress();
        try (Terminal.ProgressLine line = new Terminal.ProgressLine(progress, err())) {
            for (RegionConfig region : config.regions().values()) {
                for (StoreKind store : StoreKind.values()) {
                    if (!region.id().equals(active.id()) && services.stores().get(store).isConfigured(region)) {
                        done.add(runtime.producer().requestBody("direct:backup", new BackupRequest(BackupType.FULL,
                                store, region.id(), "demo", progress), BackupRecord.class));
                    }
                }
            }
        }
        return done;
    }

    /** Waits until every store's initial sync is done and replication has caught up. */
    private static boolean awaitReplication(ReplicationService replication, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = true;
            for (Direction direction : replication.directions()) {
                for (StoreKind store : StoreKind.values()) {
                    if (replication.replication(store).isEmpty()) {
                        continue;
                    }
                    ReplicationProgress progress = replication.progress(direction, store);
                    done &= progress.phase() == ReplicationProgress.Phase.STREAMING && progress.caughtUp();
                }
            }
            if (done) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private void summary(PrintWriter out, DemoEnvironment env, DrConfig config, List<BackupRecord> backups,
                         VerificationRecord verification, String active, String standby) {
        String dir = relative(env.dataDir());
        out.println();
        out.println("devflow-dr demo: embedded two-region environment in " + dir);
        out.println();
        out.println("Regions");
        env.describe().forEach(line -> out.println("  " + line));
        out.println();
        out.println("Backups");
        for (BackupRecord backup : backups) {
            out.printf("  %-8s %s %s: %s items in %s sections, %s stored, %s%n", backup.store(), backup.id(), backup.status(),
                    backup.items() == null ? "-" : Terminal.count(backup.items()),
                    backup.sections() == null ? "-" : backup.sections(),
                    backup.size() == null ? "-" : Terminal.bytes(backup.size()),
                    backup.durationMs() == null ? "-" : Terminal.duration(backup.durationMs()));
            if (backup.error() != null) {
                out.println("           error: " + backup.error());
            }
        }
        if (verification != null) {
            out.println("  verified: every backup " + backups.get(0).verification().split(":")[0] + " in the pipeline; "
                    + "mongodb also by a restore into a scratch database (fingerprints match)");
        }
        out.println();
        String base = "http://" + config.api().host() + ":" + config.api().port();
        out.println("Service");
        out.println("  Console   " + base + "/console/   (open it in a browser; log in with the token in "
                + relative(env.apiTokenFile()) + ")");
        out.println("  API       " + base + "/api   (bearer token in " + relative(env.apiTokenFile()) + ")");
        out.println("  Health    " + base + "/observe/health");
        out.println("  Metrics   " + base + "/observe/metrics");
        out.println("  Election  " + config.cluster().engine().id() + config.cluster().file()
                .map(f -> " (lock file in " + relative(f.directory()) + "): this single server leads").orElse(""));
        out.println();
        out.println("Try, from another terminal:");
        String c = "bin/dr --config " + relative(env.configFile());
        String id = backups.get(0).id();
        out.println("  " + c + " status");
        out.println("  " + c + " backups list");
        out.println("  " + c + " backup --type full --store redis");
        out.println("  " + c + " verify " + id + " --level full");
        out.println("  " + c + " restore " + id + " --target-region " + standby + " --yes");
        out.println("  " + c + " restore --point-in-time $(date -u -d '1 minute ago' +%Y-%m-%dT%H:%M:%SZ) "
                + "--target-region " + standby + " --target-database devflow=devflow_pitr --store mongodb --yes");
        out.println("  " + c + " retention apply --dry-run");
        out.println("  " + c + " conflicts list --status all");
        out.println("  " + c + " replication stop --store redis");
        out.println("  " + c + " failover " + standby + " --reason drill --dry-run");
        out.println("  " + c + " failover " + standby + " --reason drill --yes --token-file " + relative(env.apiTokenFile()));
        out.println("  " + c + " failover " + active + " --reason 'switch back' --yes --token-file "
                + relative(env.apiTokenFile()));
        out.println("  " + c + " failovers list");
        out.println("  curl -H \"Authorization: Bearer $(cat " + relative(env.apiTokenFile()) + ")\" " + base + "/api/status");
        out.flush();
    }

    private static String relative(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
    }
}
