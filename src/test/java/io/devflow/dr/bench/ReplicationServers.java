package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.embedded.EmbeddedS3;
import io.devflow.dr.support.Json;
import org.bson.RawBsonDocument;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The server side of the replication-lag benchmark ({@code bench/replication-lag.sh}), in a JVM of its own:
 * two regions, {@value #SOURCE} and {@value #TARGET}, each with a mongo-java-server in memory (oplog on), or with
 * {@code --store redis} a redis-server the script started (its URL given), and an s3proxy on a directory emptied
 * at every start (the region's bucket holds the control plane's state:
 * checkpoints, conflicts). The source is seeded with N documents from {@link BenchDocuments} in
 * {@value StoreServers#DATABASE}.{@value StoreServers#COLLECTION} before its oplog is turned on; the target
 * starts empty, so replication begins with an initial sync of the seed.
 * <pre>
 *   --work-dir DIR --source-mongo-port P --target-mongo-port P --source-s3-port P --target-s3-port P
 *   --api-port P --seed-documents N
 *   --store redis --source-redis-url URL --target-redis-url URL --source-s3-port P --target-s3-port P
 *   --api-port P --seed-keys N         (the source's keys emptied and seeded, see {@link RedisLagBench})
 * </pre>
 * When everything is up it writes {@code dr-config.json} into the work directory (the script waits for that
 * file): both regions, MongoDB (or Redis) replication from the source to the target with the defaults otherwise
 * (last-write-wins, batches of 500, checkpoints every 5 s), no capture worker, and the API (which
 * {@code dr server} starts) on loopback. It runs until it is killed.
 */
public final class ReplicationServers {

    static final String SOURCE = "us-east-1";
    static final String TARGET = "us-west-2";

    private static final long SEED = 20261128L;
    private static final int SEED_BATCH = 1_000;

    private ReplicationServers() {
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
        }, "replication-servers-stop"));

        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode dr = root.putObject("disasterRecovery");
        dr.put("deploymentId", "devflow-bench");
        ObjectNode regions = dr.putObject("regions");
        String store = options.getOrDefault("--store", "mongodb");
        int seed = Integer.parseInt(required(options, store.equals("redis") ? "--seed-keys" : "--seed-documents"));
        for (String region : List.of(SOURCE, TARGET)) {
            String side = region.equals(SOURCE) ? "source" : "target";
            int s3Port = Integer.parseInt(required(options, "--" + side + "-s3-port"));
            BenchServers.deleteTree(work.resolve("s3-" + region));
            EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3-" + region), bucket(region), "bench-secret-" + region, s3Port);
            servers.add(s3);
            ObjectNode r = regions.putObject(region);
            r.put("role", region.equals(SOURCE) ? "primary" : "secondary");
            if (store.equals("redis")) {
                String url = required(options, "--" + side + "-redis-url");
                if (region.equals(SOURCE)) {
                    seedRedis(url, seed);
                }
                r.putObject("redis").put("url", url).putArray("databases").add(RedisLagBench.DATABASE);
            } else {
                String url = startMongo(Integer.parseInt(required(options, "--" + side + "-mongo-port")), servers,
                        region.equals(SOURCE) ? seed : 0);
                r.putObject("mongodb").put("url", url).putArray("databases").add(StoreServers.DATABASE);
            }
            ObjectNode storage = r.putObject("storage");
            storage.put("type", "s3").put("bucket", bucket(region)).put("region", region)
                    .put("endpoint", s3.endpoint().toString()).put("prefix", "dr");
            storage.putObject("credentials").put("accessKeyId", EmbeddedS3.ACCESS_KEY).put("secretAccessKey", s3.secretKey());
        }

        Path keyring = work.resolve("keyring.json");
        if (!Files.exists(keyring)) {
            LocalKeyring.create(keyring, Clock.systemUTC());
        }
        ObjectNode backup = dr.putObject("backup");
        backup.putObject("encryption").put("provider", "local").put("keyFile", keyring.toString());
        // dr server would otherwise also run the incremental backups' capture worker beside replication
        backup.putObject("incremental").put("captureWorker", false);
        dr.putObject("api").put("host", "127.0.0.1").put("port", Integer.parseInt(required(options, "--api-port")))
                .put("token", "${file:" + io.devflow.dr.testing.TestEnvironment.tokenFile(work,
                        "bench-token-0123456789abcdef0123456789abcdef") + "}");
        ObjectNode replication = dr.putObject("replication");
        replication.put("enabled", true).put("source", SOURCE).putArray("targets").add(TARGET);
        replication.putArray("stores").add(store);

        Path pending = work.resolve("dr-config.json.tmp");
        Files.write(pending, Json.bytes(root));
        Files.move(pending, config, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ready: " + seed + (store.equals("redis") ? " keys" : " documents") + " in " + SOURCE
                + ", config " + config);
        stopped.await();
    }

    static String bucket(String region) {
        return "bench-" + region;
    }

    /** A mongo-java-server in memory with {@code seed} documents, then its oplog on; returns its URL. */
    private static String startMongo(int port, List<AutoCloseable> servers, int seed) {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        servers.add(mongo::shutdownNow);
        mongo.bind("127.0.0.1", port);
        String url = "mongodb://127.0.0.1:" + port;
        if (seed > 0) {
            seedMongo(url, seed);
        }
        mongo.enableOplog();
        BenchServers.markOplogStart(url);
        return url;
    }

    /** Keys bench:0 .. bench:(keys-1) in database 0 of a redis-server the script started, emptied first. */
    private static void seedRedis(String url, int keys) {
        try (Jedis jedis = new Jedis(URI.create(url))) {
            jedis.flushAll();
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < keys; i++) {
                pipeline.set(RedisLagBench.KEY_PREFIX + i, "0|seed");
            }
            pipeline.sync();
        }
    }

    private static void seedMongo(String url, int documents) {
        BenchDocuments source = new BenchDocuments(SEED);
        try (MongoClient client = MongoClients.create(url)) {
            MongoCollection<RawBsonDocument> collection = client.getDatabase(StoreServers.DATABASE)
                    .getCollection(StoreServers.COLLECTION, RawBsonDocument.class);
            for (int written = 0; written < documents; written += SEED_BATCH) {
                List<RawBsonDocument> batch = new ArrayList<>(SEED_BATCH);
                for (int i = 0; i < SEED_BATCH && written + i < documents; i++) {
                    batch.add(source.next());
                }
                collection.insertMany(batch);
            }
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
