package io.devflow.dr.failover.canary;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.influxdb.InfluxSource;
import io.devflow.dr.store.mongodb.MongoSections;
import io.devflow.dr.store.redis.ReservedKeys;
import io.devflow.dr.testing.InfluxAvailable;
import io.devflow.dr.testing.InfluxData;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verify step's canaries against real servers: each passes on a store that takes writes, leaves nothing behind,
 * and what it writes is never read by backups or replication (the InfluxDB exporter skips the canary's measurement
 * even while a canary point exists); a store that is down fails its canary.
 */
@InfluxAvailable
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreCanariesIT {

    TestEnvironment env;
    RegionDirectory regions;

    @BeforeAll
    void start(@TempDir Path dir) {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS, StoreKind.INFLUXDB), EAST, WEST);
        new InfluxHttp(env.config().region(RegionId.of(WEST)).orElseThrow().requireInfluxdb()).execute("CREATE DATABASE metrics");
        regions = new RegionDirectory(env.config());
    }

    @AfterAll
    void stop() {
        regions.close();
        env.close();
    }

    @Test
    void shouldWriteReadAndRemoveACanaryInEveryStore() {
        Clock clock = Clock.systemUTC();
        List<StoreCanary> canaries = List.of(new MongoCanary(regions, clock), new RedisCanary(regions),
                new InfluxCanary(regions, clock));

        for (StoreCanary canary : canaries) {
            StoreCanary.CanaryResult result = canary.check(RegionId.of(WEST));
            assertThat(result.passed()).as(result.toString()).isTrue();
            assertThat(result.region()).isEqualTo(WEST);
        }

        assertThat(env.client(WEST).getDatabase("devflow").getCollection(MongoSections.CANARY_COLLECTION).countDocuments())
                .isZero();
        try (Jedis jedis = new Jedis(env.redis(WEST).url())) {
            assertThat(jedis.keys(ReservedKeys.PREFIX + "*")).isEmpty();
        }
        InfluxHttp influx = new InfluxHttp(env.config().region(RegionId.of(WEST)).orElseThrow().requireInfluxdb());
        List<JsonNode> measurements = influx.series("metrics", "SHOW MEASUREMENTS");
        assertThat(measurements.toString()).doesNotContain(InfluxSource.CANARY_MEASUREMENT);
    }

    @Test
    void shouldKeepTheCanaryMeasurementOutOfWhatBackupsAndReplicationRead() {
        InfluxHttp influx = new InfluxHttp(env.config().region(RegionId.of(WEST)).orElseThrow().requireInfluxdb());
        influx.write("metrics", List.of("cpu,host=a value=1i 1000", InfluxSource.CANARY_MEASUREMENT + ",canary=x value=1i 1000"));

        assertThat(InfluxData.points(influx, "metrics")).singleElement().satisfies(l -> assertThat(l).startsWith("cpu,"));
        influx.execute("metrics", "DROP MEASUREMENT \"" + InfluxSource.CANARY_MEASUREMENT + "\"");
    }

    @Test
    void shouldFailTheCanaryOfAStoreThatIsDown() {
        env.redis(EAST).close();

        StoreCanary redis = new RedisCanary(regions);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> redis.check(RegionId.of(EAST)))
                .hasMessageContaining(env.redis(EAST).url().replace("redis://", "").split("/")[0]);
    }
}
