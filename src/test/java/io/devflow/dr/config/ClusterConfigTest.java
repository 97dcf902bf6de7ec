package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ClusterConfigTest {

    private static final String DR = "/disasterRecovery";
    private static final String CLUSTER = "disasterRecovery.cluster";

    @Test
    void shouldElectThroughALockFileBesideTheConfigurationWithoutAClusterBlock() {
        ClusterConfig cluster = TestConfigs.load(TestConfigs.minimal()).cluster();

        assertThat(cluster.engine()).isEqualTo(ClusterConfig.Engine.FILE);
        assertThat(cluster.file().orElseThrow().directory())
                .isEqualTo(TestConfigs.SOURCE.toAbsolutePath().getParent().resolve("dr-cluster"));
        assertThat(cluster.confirmWithin()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldReadAZooKeeperEngine() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode cluster = at(root, DR).putObject("cluster");
        cluster.put("instanceId", "east-a").put("advertisedUrl", "https://east-a.internal:8443");
        cluster.putObject("zookeeper").put("connect", "zk1:2181,zk2:2181").put("sessionTimeoutMs", 8000);

        ClusterConfig config = TestConfigs.load(root).cluster();

        assertThat(config.engine()).isEqualTo(ClusterConfig.Engine.ZOOKEEPER);
        assertThat(config.instanceId()).contains("east-a");
        assertThat(config.advertisedUrl()).contains(URI.create("https://east-a.internal:8443"));
        assertThat(config.zookeeper()).contains(new ClusterConfig.ZooKeeper("zk1:2181,zk2:2181", "/devflow-dr",
                Duration.ofSeconds(8), Duration.ofSeconds(10)));
        assertThat(config.confirmWithin()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void shouldReadAKubernetesLeaseWithItsDefaults() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR).putObject("cluster").put("engine", "kubernetes");

        ClusterConfig config = TestConfigs.load(root).cluster();

        assertThat(config.kubernetes()).contains(new ClusterConfig.Kubernetes(Optional.empty(), "devflow-dr",
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        assertThat(config.confirmWithin()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void shouldReportEveryProblemWithItsPath() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode cluster = at(root, DR).putObject("cluster");
        cluster.put("engine", "zookeeper").put("instanceId", "no spaces please").put("confirmWithinSeconds", 30)
                .put("colour", "red");
        cluster.putObject("zookeeper").put("basePath", "relative").put("sessionTimeoutMs", 15000);
        cluster.putObject("kubernetes");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                CLUSTER + ".instanceId",
                CLUSTER + ".zookeeper.connect",
                CLUSTER + ".zookeeper.basePath",
                CLUSTER + ".kubernetes",
                CLUSTER + ".confirmWithinSeconds",
                CLUSTER + ".colour");
    }

    @Test
    void shouldNameTheEnginesWhenTheEngineIsUnknown() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR).putObject("cluster").put("engine", "etcd");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.problems()).containsExactly(new ConfigProblem(CLUSTER + ".engine",
                "unknown engine 'etcd'; engines are zookeeper, kubernetes, file"));
    }

    @Test
    void shouldRefuseALockDirectoryNoSystemCanOpenByItsPath() {
        ObjectNode root = TestConfigs.minimal();
        at(root, DR).putObject("cluster").putObject("file").put("directory", "dr" + (char) 0 + "cluster");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactly(CLUSTER + ".file.directory");
    }
}
