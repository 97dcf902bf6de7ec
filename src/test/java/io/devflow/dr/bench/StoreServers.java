package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.Secret;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.embedded.EmbeddedInflux;
import io.devflow.dr.embedded.EmbeddedS3;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.support.Json;
import org.bson.RawBsonDocument;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The server side of the store benchmarks ({@code redis-backup.sh}, {@code influx-export.sh},
 * {@code capture-throughput.sh}), in a JVM of its own so that the measured JVM holds only the client: s3proxy
 * on a directory (emptied at every start), and one data store with its data set, given by the options:
 * <pre>
 *   --redis-url URL --redis-keys N       a Redis the script started (redis-server is no JVM), loaded with
 *                                         N keys from {@link RedisKeys} into an empty database 0
 *   --influx-port P --influx-points N    influxd (EmbeddedInflux) with its files under DIR/influx; N points
 *                                         from {@link InfluxPoints}, generated once and reused while N stays
 *   --mongo-port P --seed-documents N    mongo-java-server in memory: N documents from {@link BenchDocuments}
 *                                         in {@value #DATABASE}.{@value #COLLECTION}, and only then the oplog,
 *                                         so that it starts (nearly) empty
 *     [--mongo-backend memory|h2]         h2: on an H2 file under DIR/mongo (emptied at start), as {@code dr demo}
 *                                         keeps its data; memory by default
 *     [--seed-collections C]              the documents dealt round-robin over C collections ({@value #COLLECTION},
 *                                         {@value #COLLECTION}_2, ...), each with two secondary indexes
 * </pre>
 * Always {@code --work-dir DIR --s3-port P}. When everything is up it writes {@code dr-config.json} into the
 * work directory (the scripts wait for that file), next to {@code dataset.json} describing the data set, and
 * runs until it is killed.
 */
public final class StoreServers {

    static final String DATABASE = "bench";
    static final String COLLECTION = "events";
    static final String REGION = "us-east-1";
    static final String BUCKET = "bench-backups";

    private static final long SEED = 20261127L;
    private static final int SEED_BATCH = 1_000;

    private StoreServers() {
    }

    public static void main(String[] args) {
        try {
            run(BenchServers.options(args));
        } catch (Exception e) {
            // the servers' non-daemon threads would otherwise keep a half-started JVM alive
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(Map<String, String> options) throws Exception {
        Path work = Path.of(required(options, "--work-dir")).toAbsolutePath();
        int s3Port = Integer.parseInt(required(options, "--s3-port"));
        Path config = work.resolve("dr-config.json");
        Files.deleteIfExists(config);

        List<AutoCloseable> servers = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (int i = servers.size() - 1; i >= 0; i--) {
                try {
                    servers.get(i).close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
            stopped.countDown();
        }, "store-servers-stop"));

        BenchServers.deleteTree(work.resolve("s3"));
        EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"), BUCKET, "bench-secret", s3Port);
        servers.add(s3);

        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode dr = root.putObject("disasterRecovery");
        dr.put("deploymentId", "devflow-bench");
        ObjectNode region = dr.putObject("regions").putObject(REGION);
        region.put("role", "primary");
        ObjectNode dataset;
        if (options.containsKey("--redis-url")) {
            String url = options.get("--redis-url");
            dataset = loadRedis(url, Long.parseLong(required(options, "--redis-keys")));
            region.putObject("redis").put("url", url).put("timeoutMs", 60_000).putArray("databases").add(0);
        } else if (options.containsKey("--influx-port")) {
            EmbeddedInflux influx = EmbeddedInflux.start(work.resolve("influx"), Integer.parseInt(options.get("--influx-port")));
            servers.add(influx);
            dataset = influxData(work, influx, Long.parseLong(required(options, "--influx-points")));
            region.putObject("influxdb").put("url", influx.url()).put("timeoutMs", 600_000)
                    .putArray("databases").add(InfluxPoints.DATABASE);
        } else if (options.containsKey("--mongo-port")) {
            MongoBackend backend;
            if ("h2".equals(options.get("--mongo-backend"))) {
                BenchServers.deleteTree(work.resolve("mongo"));
                Files.createDirectories(work.resolve("mongo"));
                H2Backend h2 = new H2Backend(work.resolve("mongo").resolve("mongo.mv").toString());
                servers.add(h2::close);
                backend = h2;
            } else {
                backend = new MemoryBackend();
            }
            MongoServer mongo = new MongoServer(backend);
            servers.add(mongo::shutdownNow);
            mongo.bind("127.0.0.1", Integer.parseInt(options.get("--mongo-port")));
            String url = "mongodb://127.0.0.1:" + options.get("--mongo-port");
            dataset = seedMongo(url, Integer.parseInt(required(options, "--seed-documents")),
                    options.containsKey("--seed-collections") ? Integer.parseInt(options.get("--seed-collections")) : 0);
            mongo.enableOplog();
            BenchServers.markOplogStart(url);
            region.putObject("mongodb").put("url", url).putArray("databases").add(DATABASE);
        } else {
            throw new IllegalArgumentException("give --redis-url, --influx-port or --mongo-port");
        }
        Files.write(work.resolve("dataset.json"), Json.bytes(dataset));

        ObjectNode storage = region.putObject("storage");
        storage.put("type", "s3").put("bucket", BUCKET).put("region", REGION)
                .put("endpoint", s3.endpoint().toString()).put("prefix", "dr");
        storage.putObject("credentials").put("accessKeyId", EmbeddedS3.ACCESS_KEY).put("secretAccessKey", s3.secretKey());
        Path keyring = work.resolve("keyring.json");
        if (!Files.exists(keyring)) {
            LocalKeyring.create(keyring, Clock.systemUTC());
        }
        ObjectNode backup = dr.putObject("backup");
        backup.putObject("encryption").put("provider", "local").put("keyFile", keyring.toString());
        backup.put("verify", "quick");
        // a retried attempt would silently double a measured time
        backup.putObject("retry").put("maxRedeliveries", 0);

        Path pending = work.resolve("dr-config.json.tmp");
        Files.write(pending, Json.bytes(root));
        Files.move(pending, config, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ready: s3 " + s3.endpoint() + ", data set " + dataset + ", config " + config);
        stopped.await();
    }

    private static ObjectNode loadRedis(String url, long keys) {
        URI uri = URI.create(url);
        try (Jedis jedis = new Jedis(uri.getHost(), uri.getPort(), 60_000)) {
            jedis.flushAll();
            System.out.printf(Locale.ROOT, "loading %,d keys into %s%n", keys, url);
            RedisKeys.Loaded loaded = RedisKeys.load(jedis, keys);
            String memory = jedis.info("memory");
            System.out.printf(Locale.ROOT, "loaded %,d keys (%,d expiring) in %.0f s%n", loaded.keys(), loaded.expiring(),
                    loaded.seconds());
            ObjectNode dataset = Json.MAPPER.createObjectNode();
            dataset.put("keys", jedis.dbSize()).put("expiring", loaded.expiring())
                    .put("usedMemoryBytes", Long.parseLong(infoField(memory, "used_memory")))
                    .put("loadSeconds", Math.round(loaded.seconds()));
            loaded.kinds().forEach(dataset.putObject("kinds")::put);
            return dataset;
        }
    }

    private static String infoField(String info, String name) {
        return info.lines().filter(line -> line.startsWith(name + ":")).findFirst()
                .map(line -> line.substring(name.length() + 1).strip())
                .orElseThrow(() -> new IllegalStateException("INFO has no " + name));
    }

    /** Generates the points unless the data directory already holds this many (told by {@code influx/dataset.json}). */
    private static ObjectNode influxData(Path work, EmbeddedInflux influx, long points) throws IOException {
        Path marker = work.resolve("influx").resolve("dataset.json");
        if (Files.exists(marker) && Json.MAPPER.readTree(marker.toFile()).path("requestedPoints").asLong() == points) {
            System.out.println("reusing data set: " + Json.MAPPER.readTree(marker.toFile()));
            return (ObjectNode) Json.MAPPER.readTree(marker.toFile());
        }
        InfluxHttp http = new InfluxHttp(new InfluxConfig(Secret.literal("url", influx.url()), 1, List.of(InfluxPoints.DATABASE),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Duration.ofMinutes(10)));
        http.execute("DROP DATABASE " + InfluxPoints.DATABASE);
        System.out.printf(Locale.ROOT, "generating %,d points into %s%n", points, InfluxPoints.DATABASE);
        InfluxPoints.Written written = InfluxPoints.generate(http, points);
        System.out.printf(Locale.ROOT, "generated %,d points (%.0f MB of line protocol) in %.0f s%n", written.points(),
                written.lineBytes() / 1e6, written.seconds());
        ObjectNode dataset = Json.MAPPER.createObjectNode();
        dataset.put("requestedPoints", points).put("points", written.points())
                .put("measurements", InfluxPoints.MEASUREMENTS)
                .put("series", InfluxPoints.MEASUREMENTS * InfluxPoints.SERIES_PER_MEASUREMENT)
                .put("lineProtocolBytes", written.lineBytes())
                .put("generationSeconds", Math.round(written.seconds()));
        Files.write(marker, Json.bytes(dataset));
        return dataset;
    }

    /** With {@code collections} 0: one collection without secondary indexes. */
    private static ObjectNode seedMongo(String url, int documents, int collections) {
        BenchDocuments source = new BenchDocuments(SEED);
        int count = Math.max(1, collections);
        try (MongoClient client = MongoClients.create(url)) {
            List<MongoCollection<RawBsonDocument>> targets = new ArrayList<>();
            for (int c = 0; c < count; c++) {
                MongoCollection<RawBsonDocument> collection = client.getDatabase(DATABASE)
                        .getCollection(c == 0 ? COLLECTION : COLLECTION + "_" + (c + 1), RawBsonDocument.class);
                if (collections > 0) {
                    collection.createIndex(Indexes.ascending("seq"), new IndexOptions().unique(true));
                    collection.createIndex(Indexes.ascending("tenant", "createdAt"));
                }
                targets.add(collection);
            }
            List<List<RawBsonDocument>> batches = new ArrayList<>();
            targets.forEach(t -> batches.add(new ArrayList<>(SEED_BATCH)));
            for (int i = 0; i < documents; i++) {
                List<RawBsonDocument> batch = batches.get(i % count);
                batch.add(source.next());
                if (batch.size() == SEED_BATCH || i >= documents - count) {
                    targets.get(i % count).insertMany(batch);
                    batch.clear();
                }
            }
        }
        ObjectNode dataset = Json.MAPPER.createObjectNode();
        dataset.put("collection", DATABASE + "." + COLLECTION).put("documents", documents);
        if (collections > 0) {
            dataset.put("collections", collections).put("secondaryIndexesPerCollection", 2);
        }
        return dataset;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
