package io.devflow.dr.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.status.SystemStatusService;
import io.devflow.dr.support.Json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replication, conflict and status resources of the HTTP API. Without a replication block in the
 * configuration, the replication resources answer 400 saying so.
 */
public final class ReplicationApi {

    private static final String BY = "api";

    private final Optional<ReplicationService> replication;
    private final Optional<ReplicationControl> control;
    private final SystemStatusService status;

    public ReplicationApi(Optional<ReplicationService> replication, Optional<ReplicationControl> control,
                          SystemStatusService status) {
        this.replication = replication;
        this.control = control;
        this.status = status;
    }

    /** {@code GET /api/status}: the status blocks of {@code dr status}, with this server's live replication figures. */
    public String status() {
        return Json.pretty(status.status(true));
    }

    /** {@code GET /api/conflicts?status=open|resolved|all&store=&limit=}. */
    public String conflicts(String statusFilter, String store, String limitText) {
        ReplicationService service = service();
        String which = statusFilter == null || statusFilter.isBlank() ? "open" : statusFilter;
        if (!List.of("open", "resolved", "all").contains(which)) {
            throw new ApiException(400, "status must be open, resolved or all, not '" + which + "'");
        }
        Optional<StoreKind> storeFilter = store == null || store.isBlank() ? Optional.empty() : Optional.of(store(store));
        int limit = 50;
        if (limitText != null && !limitText.isBlank()) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1) {
                throw new ApiException(400, "limit must be a positive number, not '" + limitText + "'");
            }
        }
        List<Conflict> conflicts = new ArrayList<>();
        if (!which.equals("resolved")) {
            conflicts.addAll(service.openConflicts());
        }
        if (!which.equals("open")) {
            conflicts.addAll(service.resolvedConflicts(limit));
        }
        storeFilter.ifPresent(s -> conflicts.removeIf(c -> !c.store().equals(s.id())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conflicts", conflicts);
        return Json.pretty(body);
    }

    /** {@code GET /api/conflicts/{id}}. */
    public String conflict(String id) {
        return Json.pretty(service().conflict(id));
    }

    /**
     * {@code POST /api/conflicts/{id}/resolve} with {@code {"resolution": "source"}}, {@code "target"}, or a
     * JSON object that is the record's new version.
     */
    public String resolve(String id, String body) {
        JsonNode json = object(body, "{\"resolution\": \"source\"}");
        rejectUnknown(json, List.of("resolution"), "a resolution request");
        JsonNode resolution = json.get("resolution");
        if (resolution == null || !(resolution.isTextual() || resolution.isObject())) {
            throw new ApiException(400, "resolution is required: \"source\", \"target\" or a JSON object with the "
                    + "record's new version");
        }
        String text = resolution.isTextual() ? resolution.asText() : resolution.toString();
        return Json.pretty(service().resolve(id, text, BY));
    }

    /** {@code POST /api/replication/start} or {@code /stop}, optionally with {@code {"store": "mongodb"}}. */
    public String change(String body, boolean running) {
        service();
        Collection<StoreKind> stores = List.of();
        if (body != null && !body.isBlank()) {
            JsonNode json = object(body, "{\"store\": \"mongodb\"}");
            rejectUnknown(json, List.of("store"), "a replication request");
            JsonNode store = json.get("store");
            if (store != null && !store.isNull()) {
                if (!store.isTextual()) {
                    throw new ApiException(400, "store must be a string such as \"mongodb\"");
                }
                stores = List.of(store(store.asText()));
            }
        }
        Collection<StoreKind> changed = control.orElseThrow().request(stores, running, BY);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("stores", changed.stream().map(StoreKind::id).toList());
        answer.put("running", running);
        return Json.pretty(answer);
    }

    private ReplicationService service() {
        return replication.orElseThrow(() -> new ApiException(400, "replication is not configured on this server "
                + "(disasterRecovery.replication)"));
    }

    private static StoreKind store(String name) {
        return StoreKind.parse(name).orElseThrow(() -> new ApiException(400, "unknown store '" + name
                + "'; stores are " + StoreKind.names()));
    }

    private static JsonNode object(String body, String example) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : Json.readOne(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the request body is not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (json == null || !json.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object such as " + example);
        }
        return json;
    }

    private static void rejectUnknown(JsonNode json, List<String> known, String what) {
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new ApiException(400, "unknown field " + field + " in " + what + "; fields are " + String.join(", ", known));
            }
        }
    }
}
