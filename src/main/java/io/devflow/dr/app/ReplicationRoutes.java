package io.devflow.dr.app;

import io.devflow.dr.config.StoreKind;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationService;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of replication control that knows Camel: which worker routes ({@code replication-<store>} and
 * {@code replication-<store>-*})
 * must be started or stopped for the desired state. The replication-control route carries the changes out
 * through the control bus, so a route stopped by hand in the console is started again while replication of
 * its store is wanted.
 */
public final class ReplicationRoutes {

    /** A control bus action on a route. */
    public record RouteAction(String routeId, String action) {
    }

    private final ReplicationService service;
    private final ReplicationControl control;

    public ReplicationRoutes(ReplicationService service, ReplicationControl control) {
        this.service = service;
        this.control = control;
    }

    /** Starts or stops the stores' workers to match the desired state; returns the route changes that needs. */
    public List<RouteAction> changes(CamelContext context) {
        List<RouteAction> actions = new ArrayList<>();
        for (Map.Entry<StoreKind, ReplicationControl.Desired> entry : control.desired().entrySet()) {
            StoreKind store = entry.getKey();
            boolean wanted = entry.getValue().running() && service.replicator(store).isPresent();
            if (wanted) {
                service.start(store);
            } else {
                // Checkpoints are written and readers closed before the routes stop; a poll still running
                // finishes first.
                service.stop(store);
            }
            for (Route route : context.getRoutes()) {
                if (!isWorkerOf(route.getRouteId(), store)) {
                    continue;
                }
                ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
                if (wanted && status != ServiceStatus.Started && status != ServiceStatus.Starting) {
                    actions.add(new RouteAction(route.getRouteId(), "start"));
                } else if (!wanted && status == ServiceStatus.Started) {
                    actions.add(new RouteAction(route.getRouteId(), "stop"));
                }
            }
        }
        return actions;
    }

    static boolean isWorkerOf(String routeId, StoreKind store) {
        String worker = "replication-" + store.id();
        return routeId.equals(worker) || routeId.startsWith(worker + "-");
    }
}
