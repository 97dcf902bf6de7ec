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

/** {@code recovery.failover} and {@code notifications}: what a failover and its notices are configured with. */
class FailoverConfigTest {

    @Test
    void shouldDefaultToTheFileProviderBesideTheConfigurationAndTheSeedsThresholds() {
        DrConfig config = TestConfigs.load(TestConfigs.minimal());

        FailoverConfig failover = config.recovery().failover();
        assertThat(failover.routing().provider()).isEqualTo(RoutingConfig.Provider.FILE);
        assertThat(failover.routing().file()).get().extracting(RoutingConfig.FileRouting::path)
                .isEqualTo(TestConfigs.SOURCE.toAbsolutePath().getParent().resolve("active-region.json"));
        assertThat(failover.fencing()).isEqualTo(FencingConfig.DEFAULT);
        assertThat(failover.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(failover.automatic()).isEqualTo(new AutoFailoverConfig(3, Duration.ofSeconds(10),
                Duration.ofMinutes(30), List.of()));
        assertThat(config.notifications().any()).isFalse();
    }

    @Test
    void shouldReadEverySetting() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").set("failover", Json.MAPPER.readTree("""
                {"routing": {"provider": "file", "file": {"path": "/run/dr/active.json"}},
                 "fencing": {"redis": {"pauseSeconds": 20},
                             "mongodb": {"hook": {"command": ["/usr/local/bin/fence-mongo"], "timeoutSeconds": 5}},
                             "influxdb": {"hook": {"url": "https://ops.example/fence/influx"}}},
                 "smokeUrls": ["https://app.example/health"],
                 "drainTimeoutSeconds": 12,
                 "automatic": {"failedChecks": 4, "checkIntervalSeconds": 5, "cooldownMinutes": 60,
                               "healthUrls": ["http://app.internal/ready"]}}"""));
        at(root, "/disasterRecovery").set("notifications", Json.MAPPER.readTree("""
                {"webhook": {"url": "${env:DR_SLACK_WEBHOOK}"},
                 "email": {"host": "smtp.example", "username": "dr", "password": "${env:DR_SMTP_PASSWORD}",
                           "from": "dr@example.com", "to": ["sre@example.com", "oncall@example.com"]}}"""));

        DrConfig config = TestConfigs.load(root);

        FailoverConfig failover = config.recovery().failover();
        assertThat(failover.routing().file()).get().extracting(RoutingConfig.FileRouting::path)
                .hasToString("/run/dr/active.json");
        assertThat(failover.fencing().redisPause()).isEqualTo(Duration.ofSeconds(20));
        assertThat(failover.fencing().hooks().get(StoreKind.MONGODB)).isEqualTo(new FencingConfig.FenceHook(
                List.of("/usr/local/bin/fence-mongo"), Optional.empty(), Duration.ofSeconds(5)));
        assertThat(failover.fencing().hooks().get(StoreKind.INFLUXDB).url()).contains(URI.create("https://ops.example/fence/influx"));
        assertThat(failover.smokeUrls()).containsExactly(URI.create("https://app.example/health"));
        assertThat(failover.drainTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(failover.automatic()).isEqualTo(new AutoFailoverConfig(4, Duration.ofSeconds(5), Duration.ofMinutes(60),
                List.of(URI.create("http://app.internal/ready"))));
        NotificationsConfig.Email email = config.notifications().email().orElseThrow();
        assertThat(email.port()).isEqualTo(587);
        assertThat(email.security()).isEqualTo("starttls");
        assertThat(email.to()).containsExactly("sre@example.com", "oncall@example.com");
        assertThat(config.notifications().webhook()).get().extracting(w -> w.url().toString())
                .asString().doesNotContain("hooks.slack");
    }

    @Test
    void shouldNameEachWrongSettingByItsPath() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").set("failover", Json.MAPPER.readTree("""
                {"routing": {"provider": "carrier-pigeon"},
                 "fencing": {"mongodb": {"hook": {}}, "redis": {"pauseSeconds": 1}},
                 "smokeUrls": ["ftp://files.example"],
                 "automatic": {"failedChecks": 1}}"""));
        at(root, "/disasterRecovery").set("notifications", Json.MAPPER.readTree("""
                {"email": {"host": "smtp.example", "from": "nobody", "to": []}, "pager": {}}"""));

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        String f = "disasterRecovery.recovery.failover.";
        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                f + "routing.provider", f + "fencing.mongodb.hook.command", f + "fencing.redis.pauseSeconds",
                f + "smokeUrls[0]", f + "automatic.failedChecks", "disasterRecovery.notifications.email.from",
                "disasterRecovery.notifications.email.to", "disasterRecovery.notifications.pager");
    }

    @Test
    void shouldRefuseARoutingFileNoSystemCanOpenByItsPath() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").set("failover", Json.MAPPER.readTree("""
                {"routing": {"file": {"path": "active\\u0000region.json"}}}"""));

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.problems()).extracting(ConfigProblem::path)
                .containsExactly("disasterRecovery.recovery.failover.routing.file.path");
    }
}
