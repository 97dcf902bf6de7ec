package io.devflow.dr.app;

import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.failover.FailoverCompensations;
import io.devflow.dr.failover.FailoverNotices;
import io.devflow.dr.failover.FailoverSteps;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.failover.canary.InfluxCanary;
import io.devflow.dr.failover.canary.MongoCanary;
import io.devflow.dr.failover.canary.RedisCanary;
import io.devflow.dr.failover.fencing.StoreFence;
import io.devflow.dr.failover.routing.FileRoutingProvider;
import io.devflow.dr.failover.routing.RoutingProvider;
import io.devflow.dr.failover.routing.RoutingProviders;
import io.devflow.dr.failover.auto.AutoFailoverController;
import io.devflow.dr.failover.auto.HttpApplicationChecks;
import io.devflow.dr.replication.ReplicationHandover;

import java.util.List;
import java.util.Optional;

/**
 * The beans of the failover routes (dr server, and a CLI command that runs a failover itself): the steps and their
 * compensations over the configured routing provider, the store fences and canaries, and replication's handover.
 */
final class FailoverBeans {

    /** How long an application's health URL may take to answer before it counts as failing. */
    private static final java.time.Duration APPLICATION_CHECK_TIMEOUT = java.time.Duration.ofSeconds(3);

    private FailoverBeans() {
    }

    static List<DrBeans.Bean> of(DrServices services) {
        RoutingProvider routing = routing(services);
        List<StoreFence> fences = services.fences();
        Optional<ReplicationHandover> handover = services.handover();
        List<StoreCanary> canaries = List.of(new MongoCanary(services.regions(), services.clock()),
                new RedisCanary(services.regions()), new InfluxCanary(services.regions(), services.clock()));
        FailoverSteps steps = new FailoverSteps(services.config(), services.failover().planner(), services.failover().evidence(),
                services.failover().records(), services.activeRegions(), routing, fences, handover, canaries, services.clock());
        FailoverCompensations compensations = new FailoverCompensations(services.failover().records(),
                services.activeRegions(), routing, fences, services.clock());
        return List.of(
                bean("failovers", services.failovers()),
                bean("failoverSteps", steps),
                bean("failoverCompensations", compensations),
                bean("failoverNotices", new FailoverNotices(services.clock())),
                bean("autoFailover", new AutoFailoverController(services.config(), services.health(),
                        services.activeRegions(), services.replication(), services.leadership(), services.failovers(),
                        services.state(), services.audit(), new HttpApplicationChecks(APPLICATION_CHECK_TIMEOUT),
                        services.clock())));
    }

    /** The configured routing provider, closed with the services. */
    static RoutingProvider routing(DrServices services) {
        RoutingProvider provider = RoutingProviders.create(services.config().recovery().failover().routing(),
                services.clock(), (file, clock) -> new FileRoutingProvider(file.path(), () -> {
                    ActiveRegion active = services.activeRegions().fresh();
                    return new FileRoutingProvider.Context(active.failoverId(), active.term());
                }, clock));
        if (provider instanceof AutoCloseable closeable) {
            services.closeWithServices(closeable);
        }
        return provider;
    }

    private static DrBeans.Bean bean(String name, Object instance) {
        return new DrBeans.Bean(name, instance.getClass(), () -> instance);
    }
}
