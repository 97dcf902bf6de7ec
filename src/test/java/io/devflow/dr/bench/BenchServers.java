package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.embedded.EmbeddedS3;
import io.devflow.dr.support.Json;
import org.bson.Document;
import org.bson.RawBsonDocument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The server side of the backup benchmark, in a JVM of its own so that the measured JVM holds only the
 * client: one mongo-java-server on an H2 file and one s3proxy on a directory, both on loopback.
 * <p>
 * The MongoDB server is built here rather than through {@code EmbeddedMongo}, which turns the oplog on from the
 * start: here it is turned on only after the data set is generated, since keeping every generated document in
 * the oplog too would take about four times the disk and twice the generation time. A full backup needs an
 * oplog all the same: it records where the change stream stands when it begins, the point incremental backups
 * continue from.
 * <p>
 * On first start (or when the requested size changed) it generates the data set, {@value #DATABASE}.{@value
 * #COLLECTION}, from {@link BenchDocuments}; later starts reuse it, since generation takes minutes. The bucket
 * starts empty on every start. When both servers are up it writes {@code dr-config.json} into the work
 * directory (the script waits for that file) and then runs until it is killed.
 * <p>
 * Arguments: {@code --work-dir DIR --size-gb N [--mongo-port P] [--s3-port P]} (sizes in decimal GB).
 */
public final class BenchServers {

    static final String DATABASE = "bench";
    static final String COLLECTION = "events";
    static final String REGION = "us-east-1";
    static final String BUCKET = "bench-backups";

    private static final int BATCH = 1_000;
    private static final long SEED = 20260127L;

    private BenchServers() {
    }

    public static void main(String[] args) {
        try {
            run(options(args));
        } catch (Exception e) {
            // the servers' non-daemon threads would otherwise keep a half-started JVM alive
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(Map<String, String> options) throws Exception {
        Path work = Path.of(options.getOrDefault("--work-dir", "bench/work")).toAbsolutePath();
        double sizeGb = Double.parseDouble(options.getOrDefault("--size-gb", "1"));
        int mongoPort = Integer.parseInt(options.getOrDefault("--mongo-port", "27517"));
        int s3Port = Integer.parseInt(options.getOrDefault("--s3-port", "27518"));

        Path config = work.resolve("dr-config.json");
        Files.deleteIfExists(config);
        Path marker = work.resolve("dataset.json");
        String wanted = Double.toString(sizeGb);
        Path h2File = work.resolve("mongo").resolve("bench.h2");
        boolean reuse = Files.exists(marker) && Files.exists(h2File)
                && wanted.equals(Json.MAPPER.readTree(marker.toFile()).path("sizeGb").asText());
        if (!reuse) {
            Files.deleteIfExists(marker);
            deleteTree(work.resolve("mongo"));
        }
        deleteTree(work.resolve("s3"));

        Files.createDirectories(work.resolve("mongo"));
        H2Backend backend = new H2Backend(h2File.toString());
        MongoServer mongo = new MongoServer(backend);
        mongo.bind("127.0.0.1", mongoPort);
        String mongoUrl = "mongodb://127.0.0.1:" + mongoPort;
        EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"), BUCKET, "bench-secret", s3Port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s3.close();
            mongo.shutdownNow();
            backend.close();
            stopped.countDown();
        }, "bench-servers-stop"));

        if (reuse) {
            System.out.println("reusing data set: " + Json.MAPPER.readTree(marker.toFile()));
        } else {
            ObjectNode dataset = generate(mongoUrl, (long) (sizeGb * 1e9));
            dataset.put("sizeGb", wanted);
            Files.write(marker, Json.bytes(dataset));
        }
        mongo.enableOplog();
        markOplogStart(mongoUrl);
        Path keyring = work.resolve("keyring.json");
        if (!Files.exists(keyring)) {
            LocalKeyring.create(keyring, Clock.systemUTC());
        }
        Path pending = work.resolve("dr-config.json.tmp");
        Files.write(pending, Json.bytes(config(mongoUrl, s3, keyring)));
        Files.move(pending, config, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ready: mongo " + mongoUrl + ", s3 " + s3.endpoint() + ", config " + config);
        stopped.await();
    }

    /** Inserts documents until their BSON size reaches {@code targetBytes}; returns what was written. */
    private static ObjectNode generate(String mongoUrl, long targetBytes) {
        long started = System.nanoTime();
        long documents = 0;
        long bytes = 0;
        long nextReport = targetBytes / 20;
        BenchDocuments source = new BenchDocuments(SEED);
        System.out.printf("generating %.2f GB into %s.%s%n", targetBytes / 1e9, DATABASE, COLLECTION);
        try (MongoClient client = MongoClients.create(mongoUrl)) {
            MongoCollection<RawBsonDocument> collection = client.getDatabase(DATABASE)
                    .getCollection(COLLECTION, RawBsonDocument.class);
            InsertManyOptions unordered = new InsertManyOptions().ordered(false);
            while (bytes < targetBytes) {
                List<RawBsonDocument> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH && bytes < targetBytes; i++) {
                    RawBsonDocument document = source.next();
                    bytes += document.getByteBuffer().remaining();
                    batch.add(document);
                }
                collection.insertMany(batch, unordered);
                documents += batch.size();
                if (bytes >= nextReport) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    System.out.printf("  %,d documents, %.0f MB, %.0f s (%.1f MB/s)%n",
                            documents, bytes / 1e6, seconds, bytes / 1e6 / seconds);
                    nextReport += targetBytes / 20;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("generated %,d documents, %.0f MB of BSON in %.0f s%n", documents, bytes / 1e6, seconds);
        ObjectNode dataset = Json.MAPPER.createObjectNode();
        dataset.put("collection", DATABASE + "." + COLLECTION)
                .put("documents", documents)
                .put("bsonBytes", bytes)
                .put("generationSeconds", Math.round(seconds));
        return dataset;
    }

    /**
     * One primary region on the two servers, a local keyring, and no redelivery: a retried attempt would
     * silently double a measured time.
     */
    private static ObjectNode config(String mongoUrl, EmbeddedS3 s3, Path keyring) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode dr = root.putObject("disasterRecovery");
        dr.put("deploymentId", "devflow-bench");
        ObjectNode region = dr.putObject("regions").putObject(REGION);
        region.put("role", "primary");
        ObjectNode mongodb = region.putObject("mongodb");
        mongodb.put("url", mongoUrl);
        mongodb.putArray("databases").add(DATABASE);
        ObjectNode storage = region.putObject("storage");
        storage.put("type", "s3").put("bucket", BUCKET).put("region", REGION)
                .put("endpoint", s3.endpoint().toString()).put("prefix", "dr");
        storage.putObject("credentials").put("accessKeyId", EmbeddedS3.ACCESS_KEY)
                .put("secretAccessKey", s3.secretKey());
        ObjectNode backup = dr.putObject("backup");
        backup.putObject("encryption").put("provider", "local").put("keyFile", keyring.toString());
        backup.put("verify", "full");
        backup.putObject("retry").put("maxRedeliveries", 0);
        return root;
    }

    /**
     * Writes one document outside the database that is backed up or replicated: without an entry the oplog
     * looks absent to {@code ChangePosition.current}, as on a server that is no replica set (a real one always
     * has entries).
     */
    static void markOplogStart(String mongoUrl) {
        try (MongoClient client = MongoClients.create(mongoUrl)) {
            client.getDatabase(DATABASE + "_setup").getCollection("oplog_start").insertOne(new Document("at", new Date()));
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
