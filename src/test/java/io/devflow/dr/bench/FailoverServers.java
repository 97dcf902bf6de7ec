package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.embedded.EmbeddedS3;
import io.devflow.dr.support.Json;
import org.bson.Document;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The two regions of the failover benchmark, {@value #EAST} (the configured primary) and {@value #WEST}: per
 * region a mongo-java-server in memory (oplog on) reached through a {@link StoreProxy} on the region's public port,
 * so that its store can be stopped and started with its data kept, and an s3proxy whose bucket holds the region's
 * backups and control-plane state. Both stores start with the same {@value #SEEDED} documents, so that each has a
 * backup to fail over to. {@link #writeConfig} writes the dr configuration for them.
 */
final class FailoverServers implements AutoCloseable {

    static final String EAST = "us-east-1";
    static final String WEST = "us-west-2";
    static final List<String> REGIONS = List.of(EAST, WEST);
    private static final int SEEDED = 100;

    /** The public ports: each region's MongoDB (the proxy) and s3proxy, and the dr API. */
    record Ports(int eastMongo, int westMongo, int eastS3, int westS3, int api) {
        int mongo(String region) {
            return region.equals(EAST) ? eastMongo : westMongo;
        }

        int s3(String region) {
            return region.equals(EAST) ? eastS3 : westS3;
        }
    }

    private final Ports ports;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, StoreProxy> proxies = new LinkedHashMap<>();
    private final Map<String, String> directUrls = new LinkedHashMap<>();
    private final Map<String, EmbeddedS3> buckets = new LinkedHashMap<>();

    FailoverServers(Path work, Ports ports) throws Exception {
        this.ports = ports;
        for (String region : REGIONS) {
            MongoServer mongo = new MongoServer(new MemoryBackend());
            InetSocketAddress address = mongo.bind();
            open.add(mongo::shutdownNow);
            mongo.enableOplog();
            String direct = "mongodb://127.0.0.1:" + address.getPort();
            directUrls.put(region, direct);
            BenchServers.markOplogStart(direct);
            try (MongoClient client = MongoClients.create(direct)) {
                client.getDatabase(RoutedWriter.DATABASE).getCollection("seed").insertMany(IntStream.range(0, SEEDED)
                        .mapToObj(i -> new Document("_id", "seed-" + i).append("n", i)).toList());
            }
            StoreProxy proxy = new StoreProxy(ports.mongo(region), address.getPort());
            proxy.start();
            open.add(proxy);
            proxies.put(region, proxy);
            BenchServers.deleteTree(work.resolve("s3-" + region));
            EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3-" + region), ReplicationServers.bucket(region),
                    "bench-secret-" + region, ports.s3(region));
            open.add(s3);
            buckets.put(region, s3);
        }
    }

    /** The region's MongoDB as dr and the writer reach it: through the proxy. */
    String url(String region) {
        return "mongodb://127.0.0.1:" + ports.mongo(region);
    }

    /** The region's MongoDB itself, past the proxy: for checking what it holds while its proxy is stopped. */
    String directUrl(String region) {
        return directUrls.get(region);
    }

    StoreProxy proxy(String region) {
        return proxies.get(region);
    }

    /**
     * Writes {@code dr-config.json} (atomically): both regions, MongoDB replication from {@value #EAST}, file
     * routing, automatic failover on with no cooldown (the runs follow each other) and {@code automatic} as the
     * thresholds (empty: the defaults), an RPO of {@code rpoMinutes} (the backups taken at the start must stay
     * within it for the whole run), the API on loopback, no capture worker.
     */
    Path writeConfig(Path work, Path routingFile, int rpoMinutes, Map<String, Integer> automatic) throws Exception {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode dr = root.putObject("disasterRecovery");
        dr.put("deploymentId", "devflow-bench");
        ObjectNode regions = dr.putObject("regions");
        for (String region : REGIONS) {
            ObjectNode r = regions.putObject(region);
            r.put("role", region.equals(EAST) ? "primary" : "secondary");
            r.putObject("mongodb").put("url", url(region)).putArray("databases").add(RoutedWriter.DATABASE);
            EmbeddedS3 s3 = buckets.get(region);
            ObjectNode storage = r.putObject("storage");
            storage.put("type", "s3").put("bucket", ReplicationServers.bucket(region)).put("region", region)
                    .put("endpoint", s3.endpoint().toString()).put("prefix", "dr");
            storage.putObject("credentials").put("accessKeyId", EmbeddedS3.ACCESS_KEY).put("secretAccessKey", s3.secretKey());
        }
        Path keyring = work.resolve("keyring.json");
        if (!Files.exists(keyring)) {
            LocalKeyring.create(keyring, Clock.systemUTC());
        }
        ObjectNode backup = dr.putObject("backup");
        backup.putObject("encryption").put("provider", "local").put("keyFile", keyring.toString());
        backup.putObject("incremental").put("captureWorker", false);
        dr.putObject("api").put("host", "127.0.0.1").put("port", ports.api())
                .put("token", "${file:" + io.devflow.dr.testing.TestEnvironment.tokenFile(work, FailoverBench.TOKEN) + "}");
        ObjectNode replication = dr.putObject("replication");
        replication.put("enabled", true).put("source", EAST).putArray("targets").add(WEST);
        replication.putArray("stores").add("mongodb");
        ObjectNode recovery = dr.putObject("recovery");
        recovery.put("rpo", rpoMinutes).put("autoFailover", true);
        ObjectNode failover = recovery.putObject("failover");
        failover.putObject("routing").put("provider", "file").putObject("file").put("path", routingFile.toString());
        ObjectNode auto = failover.putObject("automatic").put("cooldownMinutes", 0);
        automatic.forEach(auto::put);

        Path config = work.resolve("dr-config.json");
        Path pending = work.resolve("dr-config.json.tmp");
        Files.write(pending, Json.bytes(root));
        Files.move(pending, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return config;
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }
}
