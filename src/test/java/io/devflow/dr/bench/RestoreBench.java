package io.devflow.dr.bench;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.store.redis.RedisConnections;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measured side of {@code bench/restore.sh}, run against {@link StoreServers}: a full backup and a restore
 * of it, each in a fresh JVM. Not a test: timing belongs here.
 * <pre>
 *   RestoreBench backup  CONFIG mongodb|redis|influxdb           one full backup through the real route
 *   RestoreBench restore CONFIG BACKUP-ID fresh|merge SOURCE=TARGET...
 *                                                                RestoreService.plan + restore, as dr restore
 * </pre>
 * {@code fresh} empties the target databases first (outside the measured time), so that the restore creates
 * everything; {@code merge} restores over what the previous restore left, as a re-run or a restore into a
 * region that holds the data already does. Each prints one line, {@code RESULT mode=backup|restore|restore-merge
 * store=... items=... uncompressedMB=... seconds=... ...} as {@link StoreBench} does; the backup adds
 * {@code backupId}. Times cover the backup or restore alone: JVM start, route loading and connecting are
 * outside them.
 */
public final class RestoreBench {

    private static final double MIB = 1024 * 1024;

    private RestoreBench() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: RestoreBench backup CONFIG STORE | RestoreBench restore CONFIG BACKUP-ID fresh|merge SOURCE=TARGET...");
            System.exit(2);
        }
        try {
            DrConfig config = ConfigLoader.system().load(Path.of(args[1]));
            switch (args[0]) {
                case "backup" -> backup(config, StoreKind.parse(args[2])
                        .orElseThrow(() -> new IllegalArgumentException("unknown store " + args[2])));
                case "restore" -> restore(config, BackupId.parse(args[2])
                                .orElseThrow(() -> new IllegalArgumentException("not a backup id: " + args[2])),
                        "merge".equals(args[3]), Arrays.asList(args).subList(4, args.length));
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Exception | OutOfMemoryError e) {
            e.printStackTrace();
            // Camel's and the S3 client's threads would otherwise keep a failed run alive
            System.exit(1);
        }
        System.exit(0);
    }

    private static void backup(DrConfig config, StoreKind store) throws Exception {
        try (DrServices services = new DrServices(config);
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            BackupRequest request = new BackupRequest(BackupType.FULL, store, config.primaryRegion().id(), "bench",
                    new Progress());
            RunMeter meter = new RunMeter();
            meter.start();
            BackupRecord record = runtime.producer().requestBody("direct:backup", request, BackupRecord.class);
            RunMeter.Figures figures = meter.stop();
            if (!record.isCompleted()) {
                throw new IllegalStateException("backup " + record.id() + " " + record.status() + ": " + record.error());
            }
            System.out.println(result("backup", store, record.items(), record.manifest().bytes(), figures,
                    " backupId=" + record.id()));
        }
    }

    private static void restore(DrConfig config, BackupId id, boolean merge, List<String> mapping) {
        try (DrServices services = new DrServices(config)) {
            RegionId region = config.primaryRegion().id();
            RestoreService restores = services.restoreService();
            RestoreService.Plan plan = restores.plan(id, region, mapping);
            StoreKind store = StoreKind.parse(plan.store()).orElseThrow();
            if (!merge) {
                emptyTargets(services, services.regions().get(region), store, plan.databases().values());
            }
            RunMeter meter = new RunMeter();
            meter.start();
            RestoreService.Report report = restores.restore(plan, new Progress());
            RunMeter.Figures figures = meter.stop();
            if (report.total() + skipped(report) != plan.items()) {
                throw new IllegalStateException("restored " + report.total() + " of " + plan.items() + " items: "
                        + report.warnings());
            }
            System.out.println(result(merge ? "restore-merge" : "restore", store, report.total(), 0, figures,
                    " warnings=" + report.warnings().size()));
        }
    }

    /** Redis reports keys that expired since the backup as warnings, not as written. */
    private static long skipped(RestoreService.Report report) {
        return report.warnings().stream().filter(w -> w.endsWith("expired since the backup and were not restored"))
                .mapToLong(w -> Long.parseLong(w.substring(0, w.indexOf(' ')))).sum();
    }

    private static void emptyTargets(DrServices services, RegionContext region, StoreKind store,
                                     Iterable<String> databases) {
        for (String database : databases) {
            if (store == StoreKind.REDIS) {
                try (Jedis jedis = new RedisConnections(region.config().requireRedis()).open(Integer.parseInt(database))) {
                    jedis.flushDB();
                }
            } else {
                services.stores().get(store).drop(region, database);
            }
        }
    }

    private static String result(String mode, StoreKind store, long items, long uncompressed, RunMeter.Figures f,
                                 String extra) {
        return String.format(Locale.ROOT, "RESULT mode=%s store=%s items=%d uncompressedMB=%.1f seconds=%.2f "
                        + "itemsPerSec=%.0f peakHeapMiB=%.0f heapAfterGcMiB=%.0f maxRssMiB=%.0f gcCount=%d gcSeconds=%.1f%s",
                mode, store.id(), items, uncompressed / 1e6, f.seconds(), items / f.seconds(), f.peakHeapBytes() / MIB,
                f.heapAfterGcBytes() / MIB, f.maxRssBytes() / MIB, f.gcCount(), f.gcSeconds(), extra);
    }
}
