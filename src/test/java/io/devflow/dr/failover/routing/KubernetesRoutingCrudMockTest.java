package io.devflow.dr.failover.routing;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.RoutingConfig;
import io.devflow.dr.support.RemoteOperationException;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link KubernetesRouting} against the fabric8 mock API server in CRUD mode, which keeps real objects: a Service
 * created here is read, patched and read back over HTTP by a client built as in production (only the
 * {@code masterUrl} points at the mock). It proves the selector each change leaves and its exact restoration; it
 * cannot prove RBAC or what kube-proxy does with the endpoints.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesRoutingCrudMockTest {

    private static final RegionId EAST = RegionId.of("us-east-1");
    private static final RegionId WEST = RegionId.of("us-west-2");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Map<String, String> EAST_SELECTOR = Map.of("app", "mongo", "region", "east");

    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void createService() {
        client.services().inNamespace("devflow").resource(new ServiceBuilder().withNewMetadata().withName("mongo-front")
                .endMetadata().withNewSpec().withSelector(EAST_SELECTOR).addNewPort().withPort(27017).endPort().endSpec()
                .build()).create();
    }

    @Test
    void shouldPatchTheSelectorToTheTargetAndUndoItExactly() {
        try (KubernetesRouting routing = routing(Optional.empty(), "mongo-front")) {
            assertThat(routing.current()).contains(EAST);

            RoutingChange drain = routing.drain(EAST);
            assertThat(selector()).isEqualTo(EAST_SELECTOR);
            RoutingChange route = routing.routeTo(WEST);

            assertThat(selector()).isEqualTo(Map.of("app", "mongo", "region", "west"));
            assertThat(routing.current()).contains(WEST);
            assertThat(route.before().path("selector").path("region").asText()).isEqualTo("east");
            assertThat(route.after().path("selector").path("region").asText()).isEqualTo("west");

            routing.undo(route);
            routing.undo(route);
            routing.undo(drain);
            assertThat(selector()).isEqualTo(EAST_SELECTOR);
        }
    }

    @Test
    void shouldSelectNoPodsOnDrainWhenADrainSelectorIsConfiguredAndPutTheOldSelectorBack() {
        client.services().inNamespace("devflow").withName("mongo-front").edit(s -> new ServiceBuilder(s).editSpec()
                .addToSelector("tier", "db").endSpec().build());
        Map<String, String> original = selector();
        try (KubernetesRouting routing = routing(Optional.of("none"), "mongo-front")) {
            RoutingChange drain = routing.drain(EAST);
            assertThat(selector()).containsEntry("region", "none").containsEntry("tier", "db");
            assertThat(routing.current()).isEmpty();

            RoutingChange route = routing.routeTo(WEST);
            assertThat(selector()).containsEntry("region", "west");

            routing.undo(route);
            assertThat(selector()).containsEntry("region", "none");
            routing.undo(drain);
            assertThat(selector()).isEqualTo(original);
        }
    }

    @Test
    void shouldNameTheMissingServiceAndWhatToCheck() {
        try (KubernetesRouting routing = routing(Optional.empty(), "no-such-service")) {
            assertThatThrownBy(() -> routing.routeTo(WEST))
                    .isInstanceOf(RemoteOperationException.class)
                    .hasMessageContaining("kubernetes routing: Service devflow/no-such-service not found")
                    .hasMessageContaining("routing.kubernetes.namespace and service");
        }
        assertThat(selector()).isEqualTo(EAST_SELECTOR);
    }

    private Map<String, String> selector() {
        return client.services().inNamespace("devflow").withName("mongo-front").get().getSpec().getSelector();
    }

    private KubernetesRouting routing(Optional<String> drainSelector, String service) {
        RoutingConfig.KubernetesRouting config = new RoutingConfig.KubernetesRouting(Optional.of("devflow"), service,
                "region", Map.of(EAST, "east", WEST, "west"), drainSelector, Optional.of(server.url("/")),
                Duration.ofSeconds(5));
        return new KubernetesRouting(config, RoutingProviders.kubernetesClient(config), CLOCK);
    }
}
