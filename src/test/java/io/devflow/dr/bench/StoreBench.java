package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.influxdb.InfluxHttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The measured side of the Redis and InfluxDB benchmarks, run against {@link StoreServers} by
 * {@code bench/redis-backup.sh} and {@code bench/influx-export.sh}. Not a test: timing belongs here.
 * <pre>
 *   StoreBench pipeline CONFIG redis|influxdb   one full backup through the real route, verify as configured
 *   StoreBench extract  CONFIG redis|influxdb   the store's extraction alone, drained: nothing archived
 *   StoreBench query    CONFIG POINTS           InfluxDB only: the export's queries, their answers drained as bytes
 * </pre>
 * Each prints one line, {@code RESULT mode=... items=... uncompressedMB=... storedMB=... seconds=...
 * itemsPerSec=... mbPerSec=... peakHeapMiB=... heapAfterGcMiB=... maxRssMiB=... gcCount=... gcSeconds=...}:
 * items are keys or points, data in decimal megabytes (for {@code query} the JSON the server sent), memory in
 * MiB; the pipeline adds {@code writeSeconds} and {@code verifySeconds}. Times cover that run alone: JVM start,
 * route loading and connecting are outside them.
 */
public final class StoreBench {

    private static final double MIB = 1024 * 1024;
    // InfluxHttp's chunk size: the baseline asks for the same answer, chunk for chunk
    private static final int CHUNK_SIZE = 10_000;
    private static final int READ_BUFFER = 1 << 16;

    private StoreBench() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: StoreBench pipeline|extract CONFIG redis|influxdb | StoreBench query CONFIG POINTS");
            System.exit(2);
        }
        try {
            DrConfig config = ConfigLoader.system().load(Path.of(args[1]));
            switch (args[0]) {
                case "pipeline" -> pipeline(config, store(args[2]));
                case "extract" -> extract(config, store(args[2]));
                case "query" -> query(config, Long.parseLong(args[2]));
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Exception | OutOfMemoryError e) {
            e.printStackTrace();
            // Camel's and the S3 client's threads would otherwise keep a failed run alive
            System.exit(1);
        }
    }

    private static StoreKind store(String name) {
        return StoreKind.parse(name).orElseThrow(() -> new IllegalArgumentException("unknown store " + name));
    }

    private static void pipeline(DrConfig config, StoreKind store) throws Exception {
        try (DrServices services = new DrServices(config);
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.ONE_SHOT, Map.of())) {
            Progress progress = new Progress();
            BackupRequest request = new BackupRequest(BackupType.FULL, store, config.primaryRegion().id(), "bench", progress);
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
            System.out.println(result("pipeline-" + config.backup().verify().configName(), record.items(),
                    record.manifest().bytes(), record.size(), figures, phases));
        }
    }

    /** The extraction the pipeline would open, drained here: what the store costs before any archive stage. */
    private static void extract(DrConfig config, StoreKind store) {
        try (DrServices services = new DrServices(config)) {
            StoreOperations operations = services.stores().get(store);
            long items = 0;
            long bytes = 0;
            RunMeter meter = new RunMeter();
            meter.start();
            try (RecordSource source = operations.full(services.regions().primary(), Instant.now()).source()) {
                for (SourceRecord record = source.next(); record != null; record = source.next()) {
                    if (record instanceof SourceRecord.Item item) {
                        items++;
                        bytes += item.bytes().length;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RunMeter.Figures figures = meter.stop();
            System.out.println(result("extract", items, bytes, 0, figures, ""));
        }
    }

    /**
     * The baseline of the InfluxDB export: the same {@code SELECT *} per measurement, with the same chunking and
     * time bound, its answer read as bytes and thrown away. What this takes is the server's and the transfer's
     * share; the export's extra time is parsing the JSON and formatting line protocol.
     */
    private static void query(DrConfig config, long points) throws Exception {
        InfluxConfig influx = config.primaryRegion().requireInfluxdb();
        InfluxHttp http = new InfluxHttp(influx);
        String base = influx.url().reveal().replaceAll("/+$", "") + "/query?epoch=ns&chunked=true&chunk_size=" + CHUNK_SIZE;
        HttpClient client = HttpClient.newHttpClient();
        byte[] buffer = new byte[READ_BUFFER];
        long until = nanos(Instant.now());
        long bytes = 0;
        RunMeter meter = new RunMeter();
        meter.start();
        for (String database : influx.databases()) {
            for (JsonNode series : http.series(database, "SHOW MEASUREMENTS")) {
                for (JsonNode value : series.path("values")) {
                    String select = "SELECT * FROM \"" + value.get(0).asText() + "\" WHERE time <= " + until;
                    URI uri = URI.create(base + "&db=" + encode(database) + "&q=" + encode(select));
                    HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = response.body()) {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(select + ": HTTP " + response.statusCode() + " "
                                    + new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        }
                        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                            bytes += n;
                        }
                    }
                }
            }
        }
        RunMeter.Figures figures = meter.stop();
        System.out.println(result("query", points, bytes, 0, figures, ""));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static String result(String mode, long items, long uncompressed, long stored, RunMeter.Figures f,
                                 String extra) {
        return String.format(Locale.ROOT, "RESULT mode=%s items=%d uncompressedMB=%.1f storedMB=%.1f seconds=%.2f "
                        + "itemsPerSec=%.0f mbPerSec=%.1f peakHeapMiB=%.0f heapAfterGcMiB=%.0f maxRssMiB=%.0f gcCount=%d "
                        + "gcSeconds=%.1f%s",
                mode, items, uncompressed / 1e6, stored / 1e6, f.seconds(), items / f.seconds(),
                uncompressed / 1e6 / f.seconds(), f.peakHeapBytes() / MIB, f.heapAfterGcBytes() / MIB,
                f.maxRssBytes() / MIB, f.gcCount(), f.gcSeconds(), extra);
    }
}
