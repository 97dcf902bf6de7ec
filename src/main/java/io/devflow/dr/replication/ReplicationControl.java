package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether replication of each store should run: an operator's decision ({@code dr replication start|stop},
 * kept in the control state at {@code replication/desired}), or, for a store no one has decided on, the
 * configuration's {@code enabled}. A running {@code dr server} follows it within seconds.
 */
public final class ReplicationControl {

    static final String PATH = "replication/desired";

    private final ReplicationConfig config;
    private final StateStore state;
    private final AuditLog audit;
    private final Clock clock;

    /** @param changedBy null when the configuration decides */
    public record Desired(boolean running, Instant changedAt, String changedBy) {
    }

    public ReplicationControl(ReplicationConfig config, StateStore state, AuditLog audit, Clock clock) {
        this.config = config;
        this.state = state;
        this.audit = audit;
        this.clock = clock;
    }

    public ReplicationConfig config() {
        return config;
    }

    /** The desired state of every replicated store. */
    public Map<StoreKind, Desired> desired() {
        JsonNode stores = state.read(PATH).map(StateDocument::content).map(c -> c.path("stores"))
                .orElse(Json.MAPPER.createObjectNode());
        Map<StoreKind, Desired> desired = new LinkedHashMap<>();
        for (StoreKind store : StoreKind.values()) {
            if (!config.replicates(store)) {
                continue;
            }
            JsonNode decision = stores.path(store.id());
            desired.put(store, decision.isObject()
                    ? new Desired(decision.path("running").asBoolean(), Instant.parse(decision.path("changedAt").asText()),
                            decision.path("changedBy").asText())
                    : new Desired(config.enabled(), null, null));
        }
        return desired;
    }

    /**
     * Records an operator's decision for the given stores (all replicated stores when empty).
     *
     * @return the stores it applies to
     */
    public Collection<StoreKind> request(Collection<StoreKind> stores, boolean running, String by) {
        for (StoreKind store : stores) {
            if (!config.replicates(store)) {
                throw new InvalidRequestException(store + " is not replicated; replicated stores are "
                        + String.join(", ", config.stores().stream().map(StoreKind::id).sorted().toList())
                        + " (disasterRecovery.replication.stores)");
            }
        }
        Collection<StoreKind> chosen = stores.isEmpty()
                ? config.stores().stream().sorted().toList() : stores;
        Instant now = clock.instant();
        // applied to the decision as read, and written only over it: a concurrent decision for another store is kept
        state.update(PATH, current -> {
            ObjectNode content = current.map(StateDocument::content).filter(JsonNode::isObject)
                    .map(c -> (ObjectNode) c.deepCopy()).orElseGet(Json.MAPPER::createObjectNode);
            ObjectNode storesNode = content.has("stores") && content.get("stores").isObject()
                    ? (ObjectNode) content.get("stores") : content.putObject("stores");
            for (StoreKind store : chosen) {
                storesNode.putObject(store.id()).put("running", running).put("changedAt", now.toString())
                        .put("changedBy", by);
            }
            return content;
        });
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("outcome", running ? "started" : "stopped");
        details.putArray("stores").addAll(chosen.stream().map(s -> Json.MAPPER.getNodeFactory().textNode(s.id())).toList());
        audit.record(running ? "replication-start" : "replication-stop", by, "replication " + config.source() + " -> "
                + String.join(",", config.targets().stream().map(Object::toString).toList()), details);
        return chosen;
    }
}
