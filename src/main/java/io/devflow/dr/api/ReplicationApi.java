package io.devflow.dr.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.status.SystemStatus;
import io.devflow.dr.status.SystemStatusService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The replication, conflict and status resources of the HTTP API. Without a replication block in the
 * configuration, the replication resources answer 400 saying so.
 */
public final class ReplicationApi {

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
    public SystemStatus status() {
        return status.status(true);
    }

    /** {@code GET /api/conflicts?status=open|resolved|all&store=&limit=}. */
    public ConflictList conflicts(String statusFilter, String store, String limitText) {
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
        return new ConflictList(conflicts);
    }

    /** {@code GET /api/conflicts/{id}}. */
    public Conflict conflict(String id) {
        return service().conflict(id);
    }

    /**
     * {@code POST /api/conflicts/{id}/resolve} with {@code {"resolution": "source"}}, {@code "target"}, or a
     * JSON object that is the record's new version.
     */
    public Conflict resolve(String id, ConflictResolutionRequest body, ApiSecurity.Caller caller) {
        if (body == null) {
            throw RequestBodies.missing(ConflictResolutionRequest.class);
        }
        JsonNode resolution = body.resolution();
        if (resolution == null || !(resolution.isTextual() || resolution.isObject())) {
            throw new ApiException(400, "resolution is required: \"source\", \"target\" or a JSON object with the "
                    + "record's new version");
        }
        String text = resolution.isTextual() ? resolution.asText() : resolution.toString();
        return service().resolve(id, text, caller.name());
    }

    /** {@code POST /api/replication/start} or {@code /stop}, optionally naming one store; audited under the caller. */
    public ReplicationChanged change(ReplicationChange body, boolean running, ApiSecurity.Caller caller) {
        service();
        Collection<StoreKind> stores = body == null || body.store() == null ? List.of() : List.of(store(body.store()));
        Collection<StoreKind> changed = control.orElseThrow().request(stores, running, caller.name());
        return new ReplicationChanged(changed.stream().map(StoreKind::id).toList(), running);
    }

    /**
     * {@code GET /api/replication/lag?minutes=}: every store's lag and backlog over the last minutes (at most 60,
     * the default), as this server sampled them; nothing on a server that does not run replication.
     */
    public LagHistoryList lag(String minutesText) {
        int minutes = Limits.parse("minutes", minutesText, 60, 60);
        return new LagHistoryList(minutes, service().lagHistory().since(Duration.ofMinutes(minutes)));
    }

    private ReplicationService service() {
        return replication.orElseThrow(() -> new ApiException(400, "replication is not configured on this server "
                + "(disasterRecovery.replication)"));
    }

    private static StoreKind store(String name) {
        return StoreKind.parse(name).orElseThrow(() -> new ApiException(400, "unknown store '" + name
                + "'; stores are " + StoreKind.names()));
    }
}
