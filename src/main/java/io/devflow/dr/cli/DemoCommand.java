package io.devflow.dr.cli;

import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRecord;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.backup.BackupType;
import io.devflow.dr.backup.VerificationRecord;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.embedded.DemoEnvironment;
import io.devflow.dr.runtime.DrRuntime;
import io.devflow.dr.runtime.DrServices;
import io.devflow.dr.store.StoreKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code dr demo}: the whole system on an embedded two-region environment. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded two-region environment (MongoDB and S3 per region, on loopback) with "
                + "sample data, run the DR service on it, take a full backup and verify it by restoring it into "
                + "a scratch database, print a summary, and keep running until Ctrl-C.")
final class DemoCommand extends DrSubcommand {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".dr-demo",
            description = "Where the environment keeps its data, keys and dr-config.json (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--once", description = "Run the cycle once and exit: 0 if the backup and its verification passed.")
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
                out.println("Seeded " + Terminal.count(env.seeded()) + " sample documents into us-east-1.");
            }
            DrConfig config = root().loader.load(env.configFile());
            try (DrServices services = new DrServices(config);
                 DrRuntime runtime = ServerCommand.start(services, config)) {
                Progress progress = new Progress();
                BackupRecord backup;
                VerificationRecord verification = null;
                try (Terminal.ProgressLine line = new Terminal.ProgressLine(progress, err())) {
                    backup = runtime.producer().requestBody("direct:backup", new BackupRequest(BackupType.FULL,
                            StoreKind.MONGODB, config.primaryRegion().id(), "demo", progress), BackupRecord.class);
                    if (backup.isCompleted()) {
                        verification = services.verifyService().verify(
                                io.devflow.dr.backup.BackupId.parse(backup.id()).orElseThrow(), VerifyLevel.RESTORE, progress);
                    }
                }
                summary(out, env, config, backup, verification);
                if (!backup.isCompleted()) {
                    throw new OperationFailedException("the demo backup failed: " + backup.error());
                }
                if (once) {
                    return ExitCode.OK;
                }
                out.println();
                out.println("Running. Press Ctrl-C to stop.");
                out.flush();
                Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "dr-demo-shutdown"));
                runtime.awaitStop();
            }
        }
        return ExitCode.OK;
    }

    private void summary(PrintWriter out, DemoEnvironment env, DrConfig config, BackupRecord backup,
                         VerificationRecord verification) {
        String dir = relative(env.dataDir());
        out.println();
        out.println("devflow-dr demo: embedded two-region environment in " + dir);
        out.println();
        out.println("Regions");
        env.describe().forEach(line -> out.println("  " + line));
        out.println();
        out.println("Backup");
        out.printf("  %s %s: %s documents in %s collections, %s stored, %s%n", backup.id(), backup.status(),
                backup.items() == null ? "-" : Terminal.count(backup.items()),
                backup.sections() == null ? "-" : backup.sections(),
                backup.size() == null ? "-" : Terminal.bytes(backup.size()),
                backup.durationMs() == null ? "-" : Terminal.duration(backup.durationMs()));
        if (backup.error() != null) {
            out.println("  error: " + backup.error());
        }
        if (verification != null) {
            out.println("  verified: " + backup.verification() + " (in the pipeline), restore: passed "
                    + "(restored into a scratch database, fingerprints match)");
        }
        out.println();
        String base = "http://" + config.api().host() + ":" + config.api().port();
        out.println("Service");
        out.println("  API       " + base + "/api   (bearer token in " + relative(env.apiTokenFile()) + ")");
        out.println("  Health    " + base + "/observe/health");
        out.println("  Metrics   " + base + "/observe/metrics");
        out.println();
        out.println("Try, from another terminal:");
        String c = "bin/dr --config " + relative(env.configFile());
        out.println("  " + c + " backups list");
        out.println("  " + c + " backup --type full");
        out.println("  " + c + " verify " + backup.id() + " --level full");
        out.println("  " + c + " restore " + backup.id() + " --target-region us-west-2 --yes");
        out.println("  curl -H \"Authorization: Bearer $(cat " + relative(env.apiTokenFile()) + ")\" " + base + "/api/backups");
        out.flush();
    }

    private static String relative(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
    }
}
