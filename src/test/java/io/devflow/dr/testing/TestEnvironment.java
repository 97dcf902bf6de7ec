package io.devflow.dr.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.SecretResolver;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.embedded.EmbeddedInflux;
import io.devflow.dr.embedded.EmbeddedMongo;
import io.devflow.dr.embedded.EmbeddedRedis;
import io.devflow.dr.embedded.EmbeddedS3;
import io.devflow.dr.storage.S3Clients;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Real servers for integration tests: per region an in-memory mongo-java-server (oplog on) and an s3proxy
 * on a temporary directory, all on free loopback ports, plus a local keyring and a dr-config.json that
 * points at them. The first region is the primary.
 */
public final class TestEnvironment implements AutoCloseable {

    public static final String EAST = "us-east-1";
    public static final String WEST = "us-west-2";
    public static final String DEPLOYMENT = "devflow-test";
    /** The admin token of the API (api.token, read from a file of mode 0600). */
    public static final String API_TOKEN = "test-token-0123456789abcdef0123456789abcdef";

    private final Path dir;
    private final Map<String, EmbeddedMongo> mongos = new LinkedHashMap<>();
    private final Map<String, EmbeddedS3> s3s = new LinkedHashMap<>();
    private final Map<String, EmbeddedRedis> redises = new LinkedHashMap<>();
    private final Map<String, EmbeddedInflux> influxes = new LinkedHashMap<>();
    private final Map<String, MongoClient> clients = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ObjectNode config;
    private final Path configFile;

    private TestEnvironment(Path dir, Set<StoreKind> stores, List<String> regions, Consumer<ObjectNode> customize) {
        this(dir, stores, regions, customize, false);
    }

    private TestEnvironment(Path dir, Set<StoreKind> stores, List<String> regions, Consumer<ObjectNode> customize,
                            boolean mongoOnFiles) {
        this.dir = dir;
        LocalKeyring.create(dir.resolve("keyring.json"), Clock.systemUTC());
        for (String region : regions) {
            if (stores.contains(StoreKind.MONGODB)) {
                mongos.put(region, mongoOnFiles ? EmbeddedMongo.onFile(mongoFile(region), 0) : EmbeddedMongo.inMemory());
            }
            if (stores.contains(StoreKind.REDIS)) {
                redises.put(region, EmbeddedRedis.start(null, freePort()));
            }
            if (stores.contains(StoreKind.INFLUXDB)) {
                influxes.put(region, EmbeddedInflux.start(dir.resolve("influx-" + region), freePort(), freePort()));
            }
            s3s.put(region, EmbeddedS3.start(dir.resolve("s3-" + region), bucket(region), "secret-" + region, 0));
        }
        config = Json.MAPPER.createObjectNode();
        ObjectNode dr = config.putObject("disasterRecovery");
        dr.put("deploymentId", DEPLOYMENT);
        ObjectNode regionsNode = dr.putObject("regions");
        for (String region : regions) {
            ObjectNode r = regionsNode.putObject(region);
            r.put("role", region.equals(regions.get(0)) ? "primary" : "secondary");
            if (mongos.containsKey(region)) {
                ObjectNode mongo = r.putObject("mongodb");
                mongo.put("url", mongos.get(region).connectionString());
                ArrayNode databases = mongo.putArray("databases");
                databases.add("devflow");
                mongo.put("serverSelectionTimeoutMs", 2_000);
            }
            if (redises.containsKey(region)) {
                ObjectNode redis = r.putObject("redis");
                redis.put("url", redises.get(region).url());
                redis.putArray("databases").add(0).add(3);
                redis.put("timeoutMs", 5_000);
            }
            if (influxes.containsKey(region)) {
                ObjectNode influx = r.putObject("influxdb");
                influx.put("url", influxes.get(region).url());
                influx.putArray("databases").add("metrics");
            }
            ObjectNode storage = r.putObject("storage");
            storage.put("type", "s3").put("bucket", bucket(region)).put("region", region)
                    .put("endpoint", s3s.get(region).endpoint().toString()).put("prefix", "dr");
            storage.putObject("credentials").put("accessKeyId", EmbeddedS3.ACCESS_KEY)
                    .put("secretAccessKey", s3s.get(region).secretKey());
        }
        ObjectNode backup = dr.putObject("backup");
        backup.putObject("encryption").put("provider", "local").put("keyFile", dir.resolve("keyring.json").toString());
        backup.put("partSizeMiB", 5);
        backup.putObject("retry").put("maxRedeliveries", 1).put("initialDelayMs", 50).put("maxDelayMs", 100);
        dr.putObject("api").put("host", "127.0.0.1").put("port", freePort())
                .put("token", "${file:" + tokenFile(dir, API_TOKEN) + "}");
        customize.accept(dr);
        configFile = dir.resolve("dr-config.json");
        writeConfig();
    }

    /** MongoDB and S3 in each region. */
    public static TestEnvironment start(Path dir, String... regions) {
        return start(dir, dr -> { }, regions);
    }

    /** Starts the servers; {@code customize} may change the {@code disasterRecovery} object before it is written. */
    public static TestEnvironment start(Path dir, Consumer<ObjectNode> customize, String... regions) {
        return new TestEnvironment(dir, Set.of(StoreKind.MONGODB), List.of(regions), customize);
    }

    /**
     * MongoDB on H2 files (so that {@link #restartMongo} keeps the data) and S3 in each region;
     * {@code customize} may change the {@code disasterRecovery} object before it is written.
     */
    public static TestEnvironment startOnFiles(Path dir, Consumer<ObjectNode> customize, String... regions) {
        return new TestEnvironment(dir, Set.of(StoreKind.MONGODB), List.of(regions), customize, true);
    }

    /** The given stores (MongoDB in memory) and S3 in each region; {@code customize} edits the configuration. */
    public static TestEnvironment startWith(Path dir, Set<StoreKind> stores, Consumer<ObjectNode> customize,
                                            String... regions) {
        return new TestEnvironment(dir, stores, List.of(regions), customize, false);
    }

    private Path mongoFile(String region) {
        return dir.resolve("mongo-" + region + ".mv");
    }

    /** Stops a region's file-backed MongoDB like a crash (connections dropped), data kept. */
    public void killMongo(String region) {
        EmbeddedMongo mongo = mongos.get(region);
        MongoClient client = clients.remove(region);
        if (client != null) {
            client.close();
        }
        mongo.close();
    }

    /** Starts a region's file-backed MongoDB again, on the same port with the same data. */
    public void restartMongo(String region, int port) {
        mongos.put(region, EmbeddedMongo.onFile(mongoFile(region), port));
    }

    /**
     * Stops a region's in-memory MongoDB (connections dropped, data gone) and returns its port, for
     * {@link #startMongoAgain}: a store outage as clients and health checks see it.
     */
    public int stopMongo(String region) {
        int port = mongos.get(region).port();
        killMongo(region);
        mongos.remove(region);
        return port;
    }

    /** Starts a region's in-memory MongoDB again on the port it had, empty. */
    public void startMongoAgain(String region, int port) {
        mongos.put(region, EmbeddedMongo.inMemory(port));
    }

    /** Stops a region's Redis server (the process ends) and returns its port, for {@link #startRedisAgain}. */
    public int stopRedis(String region) {
        EmbeddedRedis redis = redises.remove(region);
        redis.close();
        return redis.port();
    }

    /** Starts a region's Redis again on the port it had, empty. */
    public void startRedisAgain(String region, int port) {
        redises.put(region, EmbeddedRedis.start(null, port));
    }

    /** The given data stores and S3 in each region (InfluxDB needs influxd on the PATH). */
    public static TestEnvironment startWith(Path dir, Set<StoreKind> stores, String... regions) {
        return new TestEnvironment(dir, stores, List.of(regions), dr -> { });
    }

    public static String bucket(String region) {
        return "backups-" + region;
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return configFile;
    }

    /** The {@code disasterRecovery} object; call {@link #writeConfig()} after changing it. */
    public ObjectNode drConfig() {
        return (ObjectNode) config.get("disasterRecovery");
    }

    public void writeConfig() {
        try {
            Files.write(configFile, Json.bytes(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DrConfig config() {
        return new ConfigLoader(SecretResolver.system()).load(configFile);
    }

    /** Services over this environment; closed with it. */
    public DrServices services() {
        DrServices services = new DrServices(config());
        closeables.add(services);
        return services;
    }

    public EmbeddedRedis redis(String region) {
        return redises.get(region);
    }

    public EmbeddedInflux influx(String region) {
        return influxes.get(region);
    }

    public EmbeddedMongo mongo(String region) {
        return mongos.get(region);
    }

    public EmbeddedS3 s3(String region) {
        return s3s.get(region);
    }

    public MongoClient client(String region) {
        return clients.computeIfAbsent(region, r -> MongoClients.create(mongos.get(r).connectionString()));
    }

    /** A client store for the region's bucket, independent of the services under test. */
    public S3ObjectStore bucketStore(String region) {
        S3ObjectStore store = new S3ObjectStore(S3Clients.create(TestStorage.configFor(s3s.get(region), "dr")),
                bucket(region), "s3://" + bucket(region));
        closeables.add(() -> {
            store.close();
            store.client().close();
        });
        return store;
    }

    /** A token in a file readable by its owner only, as the API requires; returns the file. */
    public static Path tokenFile(Path dir, String token) {
        try {
            Path file = dir.resolve("token-" + Integer.toHexString(token.hashCode()));
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port no other test JVM of the build is handed ({@link Ports}). */
    public static int freePort() {
        return Ports.next();
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort: the servers below are stopped regardless
            }
        }
        clients.values().forEach(MongoClient::close);
        s3s.values().forEach(EmbeddedS3::close);
        mongos.values().forEach(EmbeddedMongo::close);
        redises.values().forEach(EmbeddedRedis::close);
        influxes.values().forEach(EmbeddedInflux::close);
    }
}
