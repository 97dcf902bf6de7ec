package io.devflow.dr.failover.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RoutingConfig;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The factory builds the provider the configuration names, handing the file provider its settings. */
class RoutingProvidersTest {

    private static final Clock CLOCK = Clock.systemUTC();

    @Test
    void shouldHandTheFileSettingsAndClockToTheFileProvider() throws Exception {
        RoutingConfig config = routing("{\"provider\": \"file\", \"file\": {\"path\": \"/run/dr/active.json\"}}");
        List<Object> handed = new ArrayList<>();
        RoutingProvider file = new WebhookRouting(new RoutingConfig.WebhookRouting(URI.create("http://127.0.0.1:9"),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(1)), HttpClient.newHttpClient(), CLOCK);

        RoutingProvider created = RoutingProviders.create(config, CLOCK, (settings, clock) -> {
            handed.add(settings.path().toString());
            handed.add(clock);
            return file;
        });

        assertThat(created).isSameAs(file);
        assertThat(handed).containsExactly("/run/dr/active.json", CLOCK);
    }

    @Test
    void shouldBuildTheRoute53KubernetesAndWebhookProviders() throws Exception {
        RoutingProvider route53 = RoutingProviders.create(routing("""
                {"provider": "route53", "route53": {"hostedZoneId": "Z1", "recordName": "db.example.com",
                 "recordType": "CNAME", "endpoint": "http://127.0.0.1:9",
                 "regions": {"us-east-1": "lb-east.example.com", "us-west-2": "lb-west.example.com"}}}"""), CLOCK, null);
        RoutingProvider kubernetes = RoutingProviders.create(routing("""
                {"provider": "kubernetes", "kubernetes": {"namespace": "devflow", "service": "mongo-front",
                 "masterUrl": "http://127.0.0.1:9"}}"""), CLOCK, null);
        RoutingProvider webhook = RoutingProviders.create(routing("""
                {"provider": "webhook", "webhook": {"url": "http://127.0.0.1:9/routing"}}"""), CLOCK, null);

        assertThat(List.of(route53, kubernetes, webhook)).extracting(RoutingProvider::name)
                .containsExactly("route53", "kubernetes", "webhook");
        ((AutoCloseable) route53).close();
        ((AutoCloseable) kubernetes).close();
    }

    private static RoutingConfig routing(String json) throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").putObject("failover").set("routing", Json.MAPPER.readTree(json));
        return TestConfigs.load(root).recovery().failover().routing();
    }
}
