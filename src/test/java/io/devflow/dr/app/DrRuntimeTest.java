package io.devflow.dr.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrRuntimeTest {

    @Test
    void shouldLeaveOutTheReplicationRoutesOfTheStoresTheServerDoesNotReplicate() {
        ObjectNode root = TestConfigs.minimal();
        TestConfigs.at(root, "/disasterRecovery").putObject("replication");
        DrConfig config = TestConfigs.load(root);

        assertThat(config.replication().orElseThrow().replicates(StoreKind.MONGODB)).isTrue();
        assertThat(DrRuntime.excludedRoutes(config, DrRuntime.Mode.SERVER).split(",")).containsExactlyInAnyOrder(
                "**/replication/redis-*.camel.yaml", "**/replication/influxdb-*.camel.yaml");
        assertThat(DrRuntime.excludedRoutes(config, DrRuntime.Mode.ONE_SHOT).split(","))
                .as("a command loads no schedules or workers").contains("**/*-schedule.camel.yaml", "**/*-worker.camel.yaml");
    }

    @Test
    void shouldLeaveOutEveryReplicationRouteWithoutReplication() {
        ObjectNode root = TestConfigs.minimal();
        TestConfigs.at(root, "/disasterRecovery").with("backup").putObject("incremental").put("captureWorker", false);
        DrConfig config = TestConfigs.load(root);

        assertThat(DrRuntime.excludedRoutes(config, DrRuntime.Mode.SERVER).split(",")).containsExactlyInAnyOrder(
                "**/*-worker.camel.yaml", "**/replication/*.camel.yaml", "**/_shared/replication-*.camel.yaml");
    }

    @Test
    void shouldLeaveTheSchedulesToTheCronJobsWhenTheyRunThem() {
        ObjectNode root = TestConfigs.minimal();
        TestConfigs.at(root, "/disasterRecovery").with("backup").putObject("schedule").put("runner", "cronjobs");
        DrConfig cronJobs = TestConfigs.load(root);
        DrConfig server = TestConfigs.load(TestConfigs.minimal());

        assertThat(DrRuntime.excludedRoutes(cronJobs, DrRuntime.Mode.SERVER).split(","))
                .contains("**/*-schedule.camel.yaml").doesNotContain("**/*-worker.camel.yaml");
        assertThat(DrRuntime.excludedRoutes(server, DrRuntime.Mode.SERVER).split(","))
                .doesNotContain("**/*-schedule.camel.yaml");
    }
}
