package io.devflow.dr.failover;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.MongoConfig;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Health checks of every region, all at once and each bounded in time, so that a region that is down makes
 * the check slower by at most the timeout: MongoDB {@code ping}, Redis {@code PING}, InfluxDB {@code /ping},
 * and a listing of the backup bucket. {@code dr server} checks periodically and publishes the result to the
 * control state; {@code dr status} checks when it runs.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    static final String PATH = "health/latest";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final RegionDirectory regions;
    private final StateStore state;
    private final Clock clock;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "dr-health");
        thread.setDaemon(true);
        return thread;
    });
    private volatile HealthReport latest;
    private volatile String lastPublishError;

    public HealthMonitor(RegionDirectory regions, StateStore state, Clock clock) {
        this.regions = regions;
        this.state = state;
        this.clock = clock;
    }

    /** Checks every region now. */
    public HealthReport check() {
        Map<RegionContext, Map<String, CompletableFuture<HealthReport.Check>>> running = new LinkedHashMap<>();
        for (RegionContext region : regions.all()) {
            RegionConfig config = region.config();
            Map<String, CompletableFuture<HealthReport.Check>> checks = new LinkedHashMap<>();
            config.mongodb().ifPresent(m -> checks.put("mongodb", start("mongodb", () -> pingMongo(m))));
            config.redis().ifPresent(r -> checks.put("redis", start("redis", () -> pingRedis(r))));
            config.influxdb().ifPresent(i -> checks.put("influxdb", start("influxdb", () -> pingInflux(i))));
            checks.put("storage", start("storage", () -> {
                // a listing fails for a missing bucket or wrong credentials, where a HEAD of a key would not
                region.objectStore().list(ObjectLayout.of(region).storePrefix(io.devflow.dr.config.StoreKind.MONGODB) + ".health-probe");
                return null;
            }));
            running.put(region, checks);
        }
        List<HealthReport.Region> result = new ArrayList<>();
        running.forEach((region, checks) -> {
            List<HealthReport.Check> done = new ArrayList<>();
            checks.forEach((component, future) -> done.add(await(component, future)));
            result.add(new HealthReport.Region(region.id().value(), region.config().role().configName(),
                    done.stream().allMatch(HealthReport.Check::ok), done));
        });
        HealthReport report = new HealthReport(clock.instant(), result);
        latest = report;
        return report;
    }

    /** Checks and publishes the result to the control state (the server's periodic check). */
    public HealthReport checkAndPublish() {
        HealthReport report = check();
        try {
            state.write(PATH, Json.MAPPER.valueToTree(report));
            lastPublishError = null;
        } catch (RuntimeException e) {
            String message = Failures.describe(e);
            if (!message.equals(lastPublishError)) {
                LOG.warn("health check not published to the control state: {}", message);
                lastPublishError = message;
            }
        }
        return report;
    }

    /** The last check this process made, if any. */
    public HealthReport latest() {
        return latest;
    }

    private CompletableFuture<HealthReport.Check> start(String component, Supplier<Void> check) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            try {
                check.get();
                return new HealthReport.Check(component, true, elapsed(started), null);
            } catch (RuntimeException e) {
                return new HealthReport.Check(component, false, elapsed(started), Failures.describe(e));
            }
        }, executor);
    }

    private static HealthReport.Check await(String component, CompletableFuture<HealthReport.Check> future) {
        try {
            return future.get(TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new HealthReport.Check(component, false, TIMEOUT.toMillis(), "no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HealthReport.Check(component, false, 0, "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            return new HealthReport.Check(component, false, 0, Failures.describe(e.getCause()));
        }
    }

    private static Void pingMongo(MongoConfig config) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(config.url().reveal()))
                .applicationName("devflow-dr-health")
                .applyToClusterSettings(b -> b.serverSelectionTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout((int) TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            client.getDatabase("admin").runCommand(new Document("ping", 1));
        }
        return null;
    }

    private static Void pingRedis(RedisConfig config) {
        RedisConfig quick = new RedisConfig(config.url(), config.databases(), config.password(), TIMEOUT);
        try (Jedis jedis = new RedisConnections(quick).open(0)) {
            jedis.ping();
        }
        return null;
    }

    private static Void pingInflux(InfluxConfig config) {
        new InfluxHttp(config).ping();
        return null;
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
