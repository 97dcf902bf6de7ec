package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code recovery.failover.routing}: the route53, kubernetes and webhook providers' blocks, read and checked. */
class RoutingConfigTest {

    private static final RegionId EAST = RegionId.of("us-east-1");
    private static final RegionId WEST = RegionId.of("us-west-2");
    private static final String R = "disasterRecovery.recovery.failover.routing.";

    @Test
    void shouldReadTheRoute53Block() throws Exception {
        RoutingConfig routing = load("""
                {"provider": "route53",
                 "route53": {"hostedZoneId": "Z0123456789", "recordName": "db.example.com", "recordType": "A",
                             "mode": "failover", "ttl": 30, "syncTimeoutSeconds": 45,
                             "endpoint": "http://127.0.0.1:4566", "awsRegion": "us-east-1",
                             "regions": {"us-east-1": ["10.0.0.1", "10.0.0.2"], "us-west-2": "10.1.0.1"}}}""");

        assertThat(routing.provider()).isEqualTo(RoutingConfig.Provider.ROUTE53);
        assertThat(routing.route53()).contains(new RoutingConfig.Route53Routing("Z0123456789", "db.example.com",
                RoutingConfig.RecordType.A, RoutingConfig.Route53Mode.FAILOVER,
                Map.of(EAST, List.of("10.0.0.1", "10.0.0.2"), WEST, List.of("10.1.0.1")), 30,
                Optional.of(URI.create("http://127.0.0.1:4566")), Optional.of("us-east-1"), Duration.ofSeconds(45)));
        assertThat(routing.file()).isEmpty();
    }

    @Test
    void shouldDefaultTheRoute53ModeTtlAndSyncTimeout() throws Exception {
        RoutingConfig.Route53Routing route53 = load("""
                {"provider": "route53",
                 "route53": {"hostedZoneId": "Z1", "recordName": "db.example.com", "recordType": "CNAME",
                             "regions": {"us-east-1": "lb-east.example.com", "us-west-2": "lb-west.example.com"}}}""")
                .route53().orElseThrow();

        assertThat(route53.mode()).isEqualTo(RoutingConfig.Route53Mode.WEIGHTED);
        assertThat(route53.ttl()).isEqualTo(60);
        assertThat(route53.syncTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(route53.endpoint()).isEmpty();
    }

    @Test
    void shouldReadTheKubernetesBlockWithRegionNamesAsDefaultSelectorValues() throws Exception {
        RoutingConfig routing = load("""
                {"provider": "kubernetes",
                 "kubernetes": {"namespace": "devflow", "service": "mongo-front", "selectorKey": "topology/region",
                                "selectorValues": {"us-west-2": "west"}, "drainSelector": "none",
                                "masterUrl": "https://10.0.0.1:6443", "timeoutSeconds": 5}}""");

        assertThat(routing.kubernetes()).contains(new RoutingConfig.KubernetesRouting(Optional.of("devflow"),
                "mongo-front", "topology/region", Map.of(EAST, "us-east-1", WEST, "west"), Optional.of("none"),
                Optional.of("https://10.0.0.1:6443"), Duration.ofSeconds(5)));
    }

    @Test
    void shouldReadTheWebhookBlockWithItsTokenAsASecret() throws Exception {
        RoutingConfig.WebhookRouting webhook = load("""
                {"provider": "webhook",
                 "webhook": {"url": "https://ops.example/routing", "token": "${env:DR_ROUTING_TOKEN}",
                             "stateUrl": "https://ops.example/routing/state"}}""").webhook().orElseThrow();

        assertThat(webhook.url()).isEqualTo(URI.create("https://ops.example/routing"));
        assertThat(webhook.stateUrl()).contains(URI.create("https://ops.example/routing/state"));
        assertThat(webhook.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(webhook.token().orElseThrow().display()).isEqualTo("${env:DR_ROUTING_TOKEN}");
    }

    @Test
    void shouldReportAnUnresolvableWebhookTokenWhenSecretsAreChecked() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        withRouting(root, """
                {"provider": "webhook", "webhook": {"url": "https://ops.example/routing", "token": "${env:DR_ROUTING_TOKEN}"}}""");

        assertThat(ConfigChecks.checkSecrets(TestConfigs.load(root))).extracting(ConfigProblem::path)
                .containsExactly(R + "webhook.token");
        assertThat(ConfigChecks.checkSecrets(TestConfigs.load(root, Map.of("DR_ROUTING_TOKEN", "t0ken-value")))).isEmpty();
    }

    @Test
    void shouldNameEachWrongRoute53SettingByItsPath() throws Exception {
        ConfigException failure = failure("""
                {"provider": "route53",
                 "route53": {"recordName": "not a name", "recordType": "MX", "mode": "failover", "ttl": -1,
                             "regions": {"us-east-1": ["a.example.com", "b.example.com"], "eu-central-1": "x.example.com"},
                             "endpoint": "ftp://x", "weights": {}},
                 "webhook": {"url": "https://ops.example/routing"}}""");

        String p = R + "route53.";
        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                p + "hostedZoneId", p + "recordName", p + "recordType", p + "regions.us-east-1",
                p + "regions.us-east-1", p + "regions.eu-central-1", p + "regions.us-west-2", p + "ttl", p + "endpoint",
                p + "weights", R + "webhook");
    }

    @Test
    void shouldRequireTheSelectedProvidersBlockAndCheckKubernetesAndWebhookSettings() throws Exception {
        assertThat(failure("{\"provider\": \"route53\"}").problems()).extracting(ConfigProblem::path)
                .containsExactly(R + "route53");
        ConfigException kubernetes = failure("""
                {"provider": "kubernetes",
                 "kubernetes": {"namespace": "Dev_Flow", "selectorKey": "bad key", "drainSelector": "us-east-1",
                                "selectorValues": {"us-west-2": "-west"}}}""");
        String k = R + "kubernetes.";
        assertThat(kubernetes.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(k + "namespace",
                k + "service", k + "selectorKey", k + "drainSelector", k + "selectorValues.us-west-2");
        ConfigException webhook = failure("""
                {"provider": "webhook", "webhook": {"stateUrl": "nowhere", "timeoutSeconds": 0}}""");
        String w = R + "webhook.";
        assertThat(webhook.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(w + "url",
                w + "stateUrl", w + "timeoutSeconds");
    }

    @Test
    void shouldRefuseFailoverModeUnlessThereAreExactlyTwoRegions() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode third = at(root, "/disasterRecovery/regions").putObject("eu-central-1");
        third.set("mongodb", Json.MAPPER.readTree("{\"url\": \"mongodb://db-eu:27017\", \"databases\": [\"devflow\", \"audit\"]}"));
        third.set("storage", Json.MAPPER.readTree("{\"type\": \"s3\", \"bucket\": \"devflow-dr-eu\", \"region\": \"eu-central-1\"}"));
        third.put("role", "secondary");
        withRouting(root, """
                {"provider": "route53",
                 "route53": {"hostedZoneId": "Z1", "recordName": "db.example.com", "recordType": "A", "mode": "failover",
                             "regions": {"us-east-1": "10.0.0.1", "us-west-2": "10.1.0.1", "eu-central-1": "10.2.0.1"}}}""");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactly(R + "route53.mode");
        assertThat(failure.problems().get(0).message()).contains("exactly two regions");
    }

    private static RoutingConfig load(String routing) throws Exception {
        ObjectNode root = TestConfigs.minimal();
        withRouting(root, routing);
        return TestConfigs.load(root).recovery().failover().routing();
    }

    private static ConfigException failure(String routing) throws Exception {
        ObjectNode root = TestConfigs.minimal();
        withRouting(root, routing);
        return catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));
    }

    private static void withRouting(ObjectNode root, String routing) throws Exception {
        at(root, "/disasterRecovery").putObject("recovery").putObject("failover").set("routing", Json.MAPPER.readTree(routing));
    }
}
