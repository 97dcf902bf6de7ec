package io.devflow.dr.region;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.MongoConfig;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The timeouts of a region's MongoDB client, from its configuration. */
class MongoClientFactoryTest {

    @Test
    void shouldReadTheTimeoutsFromTheConfiguration() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-east-1/mongodb").put("socketTimeoutMs", 1500).put("connectTimeoutMs", 700);

        MongoConfig mongo = TestConfigs.load(root).primaryRegion().requireMongodb();
        MongoConfig defaults = TestConfigs.load(TestConfigs.minimal()).primaryRegion().requireMongodb();

        assertThat(mongo.socketTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(mongo.connectTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(defaults.socketTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }
}
