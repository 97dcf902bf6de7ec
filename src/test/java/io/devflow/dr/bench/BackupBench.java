package io.devflow.dr.bench;

import com.mongodb.client.MongoClient;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveFormat;
import io.devflow.dr.archive.ArchiveSummary;
import io.devflow.dr.archive.ArchiveWriter;
import io.devflow.dr.archive.FramingInputStream;
import io.devflow.dr.archive.ObjectHeader;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.BackupConfig;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.MongoConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.region.MongoClientFactory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.storage.S3Clients;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.store.mongodb.MongoSnapshotSource;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The measured side of the backup benchmark; run it with {@code -Xmx256m} against {@link BenchServers}
 * ({@code bench/backup-pipeline.sh} does both). Not a test: timing belongs here, not in JUnit.
 * <pre>
 *   BackupBench dump     CONFIG DUMP_DIR           save the extraction to local files (not measured)
 *   BackupBench archive  CONFIG DUMP_DIR           frame, compress, encrypt, upload the saved extraction
 *   BackupBench pipeline CONFIG quick|full|restore  one full backup through the real route, that verify level
 * </pre>
 * The archive and pipeline modes print one line, {@code RESULT mode=... documents=... uncompressedMB=...
 * storedMB=... seconds=... mbPerSec=... peakHeapMiB=... heapAfterGcMiB=... maxRssMiB=... gcCount=...
 * gcSeconds=...}: data in decimal megabytes, memory in MiB like {@code -Xmx}; the pipeline adds
 * {@code writeSeconds} (extract through upload) and {@code verifySeconds} (the read-back and the manifest
 * commit). MB/s is uncompressed BSON bytes over the wall time of that run alone: JVM start, route loading and
 * the client connections are outside it.
 */
public final class BackupBench {

    private static final double MIB = 1024 * 1024;

    private BackupBench() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: BackupBench dump|archive CONFIG DUMP_DIR | BackupBench pipeline CONFIG quick|full|restore");
            System.exit(2);
        }
        try {
            DrConfig config = ConfigLoader.system().load(Path.of(args[1]));
            switch (args[0]) {
                case "dump" -> dump(config, Path.of(args[2]));
                case "archive" -> archive(config, Path.of(args[2]));
                case "pipeline" -> pipeline(config, VerifyLevel.parse(args[2]).orElseThrow(
                        () -> new IllegalArgumentException("verify level must be quick, full or restore: " + args[2])));
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Exception | OutOfMemoryError e) {
            e.printStackTrace();
            // Camel's and the S3 client's threads would otherwise keep a failed run alive
            System.exit(1);
        }
    }

    private static void dump(DrConfig config, Path directory) throws Exception {
        MongoConfig mongo = config.primaryRegion().requireMongodb();
        long started = System.nanoTime();
        long items;
        try (MongoClient client = MongoClientFactory.create(mongo);
             RecordSource source = new MongoSnapshotSource(client, "bench", mongo.databases())) {
            items = DumpFile.write(source, directory);
        }
        System.out.printf(Locale.ROOT, "dumped %d documents to %s in %.1f s%n", items, directory,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * The archive stages alone, on the saved extraction, exactly as {@code BackupPipeline} chains them; the
     * data key is a random one instead of one wrapped by the key provider, which costs nothing measurable.
     */
    private static void archive(DrConfig config, Path directory) throws Exception {
        RegionConfig region = config.primaryRegion();
        BackupConfig backup = config.backup();
        String id = "archive-" + System.currentTimeMillis();
        ObjectHeader header = new ObjectHeader(ArchiveFormat.VERSION, id, StoreKind.MONGODB.id(), region.id().value(),
                Instant.now().toString(), ArchiveFormat.COMPRESSION, ArchiveFormat.ENCRYPTION, "bench", "random");
        try (S3ObjectStore store = new S3ObjectStore(S3Clients.create(region.storage()), region.storage().bucket(),
                region.storage().location());
             KeyMaterial key = KeyMaterial.random()) {
            RunMeter meter = new RunMeter();
            meter.start();
            FramingInputStream framing = ArchiveWriter.frame(DumpFile.read(directory), Progress.discarding());
            ObjectStore.UploadResult upload;
            try (InputStream encrypted = ArchiveWriter.encrypt(
                    ArchiveWriter.compress(framing, backup.compressionLevel(), backup.compressionWorkers()), header, key.streamingAead())) {
                upload = store.upload(region.storage().prefix() + "/bench/" + id + ".dre", encrypted,
                        backup.partSizeBytes());
            }
            RunMeter.Figures figures = meter.stop();
            ArchiveSummary summary = framing.summary();
            System.out.println(result("archive", summary.items(), summary.bytes(), upload.size(), figures, ""));
            store.client().close();
        }
    }

    private static void pipeline(DrConfig loaded, VerifyLevel level) throws Exception {
        DrConfig config = withVerify(loaded, level);
        RegionConfig region = config.primaryRegion();
        try (DrServices services = new DrServices(config);
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            Progress progress = new Progress();
            BackupRequest request = new BackupRequest(BackupType.FULL, StoreKind.MONGODB, region.id(), "bench", progress);
            RunMeter meter = new RunMeter();
            meter.start();
            BackupRecord record = runtime.producer().requestBody("direct:backup", request, BackupRecord.class);
            // the verifier restarts the progress clock when it begins reading back
            double verifySeconds = progress.elapsedSeconds();
            RunMeter.Figures figures = meter.stop();
            if (!record.isCompleted()) {
                throw new IllegalStateException("backup " + record.id() + " " + record.status() + ": " + record.error());
            }
            String phases = String.format(Locale.ROOT, " writeSeconds=%.1f verifySeconds=%.1f",
                    figures.seconds() - verifySeconds, verifySeconds);
            System.out.println(result("pipeline-" + level.configName(), record.items(), record.manifest().bytes(),
                    record.size(), figures, phases));
        }
    }

    private static DrConfig withVerify(DrConfig c, VerifyLevel level) {
        BackupConfig b = c.backup();
        return new DrConfig(c.source(), c.deploymentId(), c.regions(), new BackupConfig(b.encryption(), b.retention(), b.schedule(),
                level, b.partSizeMiB(), b.compressionLevel(), b.compressionWorkers(), b.retry(), b.incremental()), c.recovery(), c.api(),
                c.replication(), c.cluster(), c.notifications(), c.shorthandRegion());
    }

    private static String result(String mode, long documents, long uncompressed, long stored, RunMeter.Figures f,
                                 String extra) {
        return String.format(Locale.ROOT, "RESULT mode=%s documents=%d uncompressedMB=%.1f storedMB=%.1f seconds=%.1f "
                        + "mbPerSec=%.1f peakHeapMiB=%.0f heapAfterGcMiB=%.0f maxRssMiB=%.0f gcCount=%d gcSeconds=%.1f%s",
                mode, documents, uncompressed / 1e6, stored / 1e6, f.seconds(), uncompressed / 1e6 / f.seconds(),
                f.peakHeapBytes() / MIB, f.heapAfterGcBytes() / MIB, f.maxRssBytes() / MIB, f.gcCount(), f.gcSeconds(), extra);
    }
}
