package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code recovery.plans}: the hooks a recovery plan runs after the data, and its heartbeat. */
class RecoveryPlansConfigTest {

    @Test
    void shouldHaveNoHooksAndAFiveSecondHeartbeatByDefault() {
        assertThat(TestConfigs.load(TestConfigs.minimal()).recovery().plans()).isEqualTo(RecoveryPlansConfig.DEFAULT);
    }

    @Test
    void shouldReadHooksInTheirOrder() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").set("plans", Json.MAPPER.readTree("""
                {"heartbeatSeconds": 2,
                 "hooks": [{"name": "deploy-apps", "command": ["/opt/deploy.sh", "--all"], "timeoutSeconds": 600},
                           {"name": "smoke-test", "url": "https://ops.example/smoke"}]}"""));

        RecoveryPlansConfig plans = TestConfigs.load(root).recovery().plans();

        assertThat(plans.heartbeat()).isEqualTo(Duration.ofSeconds(2));
        assertThat(plans.hooks()).containsExactly(
                new RecoveryPlansConfig.Hook("deploy-apps", List.of("/opt/deploy.sh", "--all"), Optional.empty(),
                        Duration.ofSeconds(600)),
                new RecoveryPlansConfig.Hook("smoke-test", List.of(), Optional.of(URI.create("https://ops.example/smoke")),
                        Duration.ofSeconds(300)));
    }

    @Test
    void shouldReportEveryBadHookWithItsPath() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").set("plans", Json.MAPPER.readTree("""
                {"heartbeatSeconds": 0,
                 "hooks": [{"name": "Deploy Apps", "command": ["x"]},
                           {"name": "smoke", "command": ["x"], "url": "https://ops.example"},
                           {"name": "smoke", "url": "https://ops.example", "retries": 3}]}"""));

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        String p = "disasterRecovery.recovery.plans.";
        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                p + "heartbeatSeconds", p + "hooks[0].name", p + "hooks[1].command", p + "hooks[2].name",
                p + "hooks[2].retries");
    }
}
