package io.devflow.dr.app;

import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.RoutingConfig;
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
import io.devflow.dr.replication.ReplicationHandover;

import java.util.List;
import java.util.Optional;

/**
 * The beans of the failover routes (dr server, and a CLI command that runs a failover itself): the steps and their
 * compensations over the configured routing provider, the store fences and canaries, and replication's handover.
 */
final class FailoverBeans {

    private FailoverBeans() {
    }

    static List<DrBeans.Bean> of(DrServices services) {
        RoutingProvider routing = routing(services);
        List<StoreFence> fences = List.of();
        Optional<ReplicationHandover> handover = Optional.empty();
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
                bean("failoverNotices", new FailoverNotices(services.clock())));
    }

    /** The configured routing provider. */
    static RoutingProvider routing(DrServices services) {
        RoutingConfig config = services.config().recovery().failover().routing();
        if (config.provider() == RoutingConfig.Provider.FILE) {
            RoutingConfig.FileRouting file = config.file().orElseThrow(() -> ConfigException.general(
                    "recovery.failover.routing.file.path: required with the file routing provider"));
            return new FileRoutingProvider(file.path(), () -> {
                ActiveRegion active = services.activeRegions().fresh();
                return new FileRoutingProvider.Context(active.failoverId(), active.term());
            }, services.clock());
        }
        throw ConfigException.general("recovery.failover.routing.provider: '" + config.provider().id()
                + "' is not available in this version; use 'file'");
    }

    private static DrBeans.Bean bean(String name, Object instance) {
        return new DrBeans.Bean(name, instance.getClass(), () -> instance);
    }
}
