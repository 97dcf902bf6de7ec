package io.devflow.dr.embedded;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded two-region environment of {@code dr demo}: per region a MongoDB (mongo-java-server on an H2
 * file, oplog on), a Redis (append-only file), an InfluxDB when {@code influxd} is installed, and an S3 store
 * (s3proxy on the file system), all on loopback, with their data, a local keyring, the secrets and a
 * {@code dr-config.json} under one data directory.
 */
public final class DemoEnvironment implements AutoCloseable {

    public static final String PRIMARY = "us-east-1";
    public static final String SECONDARY = "us-west-2";

    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, EmbeddedMongo> mongos = new LinkedHashMap<>();
    private final Map<String, EmbeddedS3> s3s = new LinkedHashMap<>();
    private final Map<String, EmbeddedRedis> redises = new LinkedHashMap<>();
    private final Map<String, EmbeddedInflux> influxes = new LinkedHashMap<>();
    private final boolean influxAvailable = EmbeddedInflux.executable().isPresent();
    private long seeded;

    private DemoEnvironment(Path dataDir, FileChannel lockChannel, FileLock lock) {
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Starts the servers, seeds sample data on first start and writes the configuration.
     *
     * @param httpPort port of the HTTP API written into the configuration
     * @throws IllegalStateException when another demo uses the same data directory
     */
    public static DemoEnvironment start(Path dataDir, int httpPort) {
        Path dir = dataDir.toAbsolutePath().normalize();
        DemoEnvironment env;
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another dr demo is running with data directory " + dir
                        + "; stop it first or pass --data-dir");
            }
            env = new DemoEnvironment(dir, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data directory " + dir, e);
        }
        try {
            env.startServers();
            env.writeConfig(httpPort);
            return env;
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    private void startServers() {
        String s3Secret = secret("s3-secret");
        secret("api-token");
        Path keyring = dataDir.resolve("keyring.json");
        if (!Files.exists(keyring)) {
            LocalKeyring.create(keyring, Clock.systemUTC());
        }
        for (String region : List.of(PRIMARY, SECONDARY)) {
            mongos.put(region, EmbeddedMongo.onFile(dataDir.resolve(region).resolve("mongo.mv.db"), 0));
            redises.put(region, EmbeddedRedis.start(dataDir.resolve(region).resolve("redis"), 0));
            if (influxAvailable) {
                influxes.put(region, EmbeddedInflux.start(dataDir.resolve(region).resolve("influxdb"), 0));
            }
            s3s.put(region, EmbeddedS3.start(dataDir.resolve(region).resolve("s3"), bucket(region), s3Secret, 0));
        }
        // the earlier runs' verification restores, which this server's oplog would keep for ever (EmbeddedMongo)
        mongos.values().forEach(EmbeddedMongo::forgetScratchHistory);
        try (MongoClient client = MongoClients.create(mongos.get(PRIMARY).connectionString())) {
            seeded = new SampleData().seedIfEmpty(client);
        }
        seeded += new SampleKeys().seedIfEmpty("127.0.0.1", redises.get(PRIMARY).port());
        if (influxAvailable) {
            seeded += new SampleTimeSeries().seedIfEmpty(influxes.get(PRIMARY).url());
        }
    }

    /** A random secret kept in a file readable by its owner only, created on first start. */
    private String secret(String name) {
        Path file = dataDir.resolve(name);
        try {
            if (!Files.exists(file)) {
                byte[] bytes = new byte[24];
                new SecureRandom().nextBytes(bytes);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, HexFormat.of().formatHex(bytes), StandardCharsets.UTF_8);
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    private void writeConfig(int httpPort) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode dr = root.putObject("disasterRecovery");
        dr.put("deploymentId", "devflow-demo");
        ObjectNode regions = dr.putObject("regions");
        for (String region : List.of(PRIMARY, SECONDARY)) {
            ObjectNode r = regions.putObject(region);
            r.put("role", region.equals(PRIMARY) ? "primary" : "secondary");
            ObjectNode mongo = r.putObject("mongodb");
            mongo.put("url", mongos.get(region).connectionString());
            ArrayNode databases = mongo.putArray("databases");
            SampleData.DATABASES.forEach(databases::add);
            ObjectNode redis = r.putObject("redis");
            redis.put("url", redises.get(region).url());
            redis.putArray("databases").add(0).add(1);
            if (influxAvailable) {
                ObjectNode influx = r.putObject("influxdb");
                influx.put("url", influxes.get(region).url());
                influx.putArray("databases").add(SampleTimeSeries.DATABASE);
            }
            ObjectNode storage = r.putObject("storage");
            storage.put("type", "s3");
            storage.put("bucket", bucket(region));
            storage.put("region", region);
            storage.put("endpoint", s3s.get(region).endpoint().toString());
            storage.put("prefix", "devflow-dr");
            ObjectNode credentials = storage.putObject("credentials");
            credentials.put("accessKeyId", EmbeddedS3.ACCESS_KEY);
            credentials.put("secretAccessKey", "${file:" + dataDir.resolve("s3-secret") + "}");
        }
        ObjectNode backup = dr.putObject("backup");
        backup.putObject("encryption").put("enabled", true).put("provider", "local")
                .put("keyFile", dataDir.resolve("keyring.json").toString());
        backup.putObject("retention").put("daily", 7).put("weekly", 4).put("monthly", 12);
        backup.put("verify", "full");
        // short segments so that point-in-time recovery to a minute ago works while the demo runs
        backup.putObject("incremental").put("segmentMinutes", 1);
        // an RPO of an hour rather than the seed's 5 minutes: a failover needs a verified backup of each store in the
        // target's bucket within the RPO, and the demo takes them once, at its start
        dr.putObject("recovery").put("rto", 30).put("rpo", 60).put("autoFailover", true);
        ObjectNode replication = dr.putObject("replication");
        replication.put("enabled", true).put("source", PRIMARY).put("conflictResolution", "last-write-wins")
                .put("checkpointIntervalSeconds", 2);
        replication.putArray("targets").add(SECONDARY);
        replication.putObject("redis").put("reconcileIntervalSeconds", 60);
        replication.putObject("influxdb").put("windowSeconds", 5).put("overlapSeconds", 30);
        dr.putObject("api").put("host", "127.0.0.1").put("port", httpPort)
                .put("token", "${file:" + dataDir.resolve("api-token") + "}");
        try {
            Files.write(configFile(), Json.bytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile(), e);
        }
    }

    private static String bucket(String region) {
        return "devflow-dr-" + region;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path configFile() {
        return dataDir.resolve("dr-config.json");
    }

    public Path apiTokenFile() {
        return dataDir.resolve("api-token");
    }

    /** Whether InfluxDB runs here: it needs influxd on the PATH (Debian: the influxdb package). */
    public boolean influxAvailable() {
        return influxAvailable;
    }

    /** Documents, keys and points written by this start's seeding (0 when the data was already there). */
    public long seeded() {
        return seeded;
    }

    /** One line per server, for the demo's summary. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (String region : mongos.keySet()) {
            lines.add(String.format("%-10s %-10s MongoDB %s %s", region,
                    region.equals(PRIMARY) ? "primary" : "secondary", mongos.get(region).connectionString(), SampleData.DATABASES));
            lines.add(String.format("%-21s Redis %s [0, 1]", "", redises.get(region).url()));
            if (influxAvailable) {
                lines.add(String.format("%-21s InfluxDB %s [%s]", "", influxes.get(region).url(), SampleTimeSeries.DATABASE));
            }
            lines.add(String.format("%-21s S3 %s/%s", "", s3s.get(region).endpoint(), bucket(region)));
        }
        return lines;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable server : new ArrayList<AutoCloseable>(s3s.values())) {
            closeQuietly(server, failures);
        }
        for (AutoCloseable server : new ArrayList<AutoCloseable>(mongos.values())) {
            closeQuietly(server, failures);
        }
        for (AutoCloseable server : new ArrayList<AutoCloseable>(redises.values())) {
            closeQuietly(server, failures);
        }
        for (AutoCloseable server : new ArrayList<AutoCloseable>(influxes.values())) {
            closeQuietly(server, failures);
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            failures.add(new UncheckedIOException(e));
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private static void closeQuietly(AutoCloseable server, List<RuntimeException> failures) {
        try {
            server.close();
        } catch (Exception e) {
            failures.add(e instanceof RuntimeException r ? r : new IllegalStateException(e));
        }
    }
}
