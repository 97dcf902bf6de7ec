package io.devflow.dr.failover.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.RoutingConfig;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.Remote;
import io.devflow.dr.support.RemoteOperationException;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ServiceResource;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Routes through the selector of one Kubernetes Service: the label {@code selectorKey} names the region whose pods
 * receive the Service's traffic. Routing to a region sets that label to the region's value; a drain sets it to
 * {@code drainSelector} when configured (no pod selected) and otherwise only records the selector, since a Service
 * must select something for clients to reach any region. A change records the whole selector before and after;
 * undo puts the selector found before back exactly, other labels included.
 */
public final class KubernetesRouting implements RoutingProvider, AutoCloseable {

    static final String NAME = "kubernetes";

    private final RoutingConfig.KubernetesRouting config;
    private final KubernetesClient client;
    private final Clock clock;
    private final String namespace;

    public KubernetesRouting(RoutingConfig.KubernetesRouting config, KubernetesClient client, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.client = Objects.requireNonNull(client);
        this.clock = Objects.requireNonNull(clock);
        this.namespace = config.namespace().or(() -> Optional.ofNullable(client.getNamespace())).orElse("default");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<RegionId> current() {
        String value = selector().get(config.selectorKey());
        return config.selectorValues().entrySet().stream().filter(e -> e.getValue().equals(value))
                .map(Map.Entry::getKey).findFirst();
    }

    @Override
    public RoutingChange drain(RegionId source) {
        Map<String, String> before = selector();
        if (config.drainSelector().isEmpty()) {
            ObjectNode unchanged = describe(before);
            unchanged.put("note", "no drainSelector configured: the Service keeps selecting " + config.selectorKey()
                    + "=" + before.get(config.selectorKey()) + " until the target is routed to");
            return new RoutingChange(NAME, "drain", describe(before), unchanged, clock.instant());
        }
        return set("drain", before, config.drainSelector().get());
    }

    @Override
    public RoutingChange routeTo(RegionId target) {
        String value = config.selectorValues().get(target);
        if (value == null) {
            throw new IllegalArgumentException(NAME + " routing: no selector value for region " + target
                    + "; regions are " + new TreeMap<>(config.selectorValues()).keySet());
        }
        return set("route", selector(), value);
    }

    @Override
    public void undo(RoutingChange change) {
        Map<String, String> before = selector(change.before());
        if (before.equals(selector(change.after())) || before.equals(selector())) {
            return;
        }
        replace(before, "putting back the selector found before the " + change.action());
    }

    @Override
    public void close() {
        client.close();
    }

    private RoutingChange set(String action, Map<String, String> before, String value) {
        Map<String, String> after = new LinkedHashMap<>(before);
        after.put(config.selectorKey(), value);
        if (!after.equals(before)) {
            replace(after, "setting " + config.selectorKey() + "=" + value + " (" + action + ")");
        }
        return new RoutingChange(NAME, action, describe(before), describe(after), clock.instant());
    }

    private Map<String, String> selector() {
        Service service = call("reading the selector", () -> resource().get());
        if (service == null) {
            throw new RemoteOperationException(NAME + " routing: Service " + where() + " not found; check "
                    + "routing.kubernetes.namespace and service", null, false);
        }
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        return selector == null ? Map.of() : new LinkedHashMap<>(selector);
    }

    private void replace(Map<String, String> selector, String what) {
        call(what, () -> resource().edit(s -> new ServiceBuilder(s).editOrNewSpec()
                .withSelector(new LinkedHashMap<>(selector)).endSpec().build()));
    }

    private ServiceResource<Service> resource() {
        return client.services().inNamespace(namespace).withName(config.service());
    }

    private <T> T call(String what, Remote.Operation<T> operation) {
        try {
            return Remote.execute(NAME + " routing: " + what + " of Service " + where(), operation);
        } catch (RemoteOperationException e) {
            throw new RemoteOperationException(e.getMessage() + "; check the API server (routing.kubernetes.masterUrl, "
                    + "in-cluster or kubeconfig) and that the service account may get and patch services in "
                    + namespace, e.getCause(), e.isTransient());
        }
    }

    private String where() {
        return namespace + "/" + config.service();
    }

    private ObjectNode describe(Map<String, String> selector) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("namespace", namespace).put("service", config.service());
        ObjectNode labels = node.putObject("selector");
        new TreeMap<>(selector).forEach(labels::put);
        return node;
    }

    private static Map<String, String> selector(JsonNode description) {
        Map<String, String> selector = new LinkedHashMap<>();
        description.path("selector").fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
        return selector;
    }
}
