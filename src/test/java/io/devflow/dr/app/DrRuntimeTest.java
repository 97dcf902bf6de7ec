package io.devflow.dr.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrRuntimeTest {

    @Test
    void shouldLeaveOutTheWorkerRoutesOfTheStoresTheServerDoesNotReplicate() {
        ObjectNode root = TestConfigs.minimal();
        TestConfigs.at(root, "/disasterRecovery").putObject("replication");
        DrConfig config = TestConfigs.load(root);

        assertThat(config.replication().orElseThrow().replicates(StoreKind.MONGODB)).isTrue();
        assertThat(DrRuntime.excludedRouteIds(config, DrRuntime.Mode.SERVER)).isEqualTo(
                "replication-redis,replication-round-redis,replication-influxdb,replication-round-influxdb");
        assertThat(DrRuntime.excludedRouteIds(config, DrRuntime.Mode.ONE_SHOT)).as("no replication routes").isNull();
    }

    @Test
    void shouldLeaveOutNoRouteWithoutReplication() {
        DrConfig config = TestConfigs.load(TestConfigs.minimal());

        assertThat(DrRuntime.excludedRouteIds(config, DrRuntime.Mode.SERVER)).isNull();
    }
}
