package io.devflow.dr.app;

import io.devflow.dr.config.StoreKind;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationService;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The part of replication control that knows Camel: which worker routes of a store ({@code replication-<store>}
 * and {@code replication-<store>-*}) must be started or stopped for the desired state. The replication-control
 * route carries the changes out through the control bus, so a route stopped by hand in the console is started
 * again while replication of its store is wanted.
 */
public final class ReplicationRoutes {

    /** A store whose worker routes must start ({@code start}) or stop, and which of them. */
    public record StoreChange(StoreKind store, boolean start, List<String> routeIds) {

        public StoreChange {
            routeIds = List.copyOf(routeIds);
        }
    }

    private final ReplicationService service;
    private final ReplicationControl control;
    private final BooleanSupplier leads;

    /** @param leads whether this instance leads: only the leader replicates, a standby stops what it ran */
    public ReplicationRoutes(ReplicationService service, ReplicationControl control, BooleanSupplier leads) {
        this.service = service;
        this.control = control;
        this.leads = leads;
    }

    /** Whether a worker round may run now: checked at the start of every round. */
    public boolean leads() {
        return leads.getAsBoolean();
    }

    /**
     * The stores whose worker routes do not match the desired state, with the routes to start or stop. On an
     * instance that does not lead, every store is wanted stopped (and the desired state is not even read).
     */
    public List<StoreChange> changes(CamelContext context) {
        List<StoreChange> changes = new ArrayList<>();
        boolean leading = leads.getAsBoolean();
        Map<StoreKind, Boolean> desired = new EnumMap<>(StoreKind.class);
        if (leading) {
            control.desired().forEach((store, state) -> desired.put(store, state.running()));
        } else {
            service.config().stores().forEach(store -> desired.put(store, false));
        }
        for (Map.Entry<StoreKind, Boolean> entry : desired.entrySet()) {
            StoreKind store = entry.getKey();
            boolean wanted = entry.getValue() && service.replication(store).isPresent();
            List<String> routes = new ArrayList<>();
            for (Route route : context.getRoutes()) {
                if (!isWorkerOf(route.getRouteId(), store)) {
                    continue;
                }
                ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
                boolean started = status == ServiceStatus.Started || status == ServiceStatus.Starting;
                if (wanted != started) {
                    routes.add(route.getRouteId());
                }
            }
            if (!routes.isEmpty() || wanted != service.isRunning(store)) {
                changes.add(new StoreChange(store, wanted, routes));
            }
        }
        return changes;
    }

    static boolean isWorkerOf(String routeId, StoreKind store) {
        String worker = "replication-" + store.id();
        return routeId.equals(worker) || routeId.startsWith(worker + "-");
    }
}
