package io.devflow.dr.app;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.support.Failures;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * GET /observe/health: which region is active, since when and by which failover, the configured primary when it
 * is another one, and every region's role now (active or standby), in the check's message and as data with
 * {@code ?data=true}. Always UP: a failover does not make this instance less alive or ready, and a control state
 * that cannot be read just now is said in the message.
 */
final class ActiveRegionHealthCheck extends AbstractHealthCheck {

    private final DrConfig config;
    private final ActiveRegions regions;

    ActiveRegionHealthCheck(DrConfig config, ActiveRegions regions) {
        super("dr", "active-region");
        this.config = config;
        this.regions = regions;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.up();
        RegionId primary = config.primaryRegion().id();
        builder.detail("configuredPrimary", primary.value());
        ActiveRegion active;
        try {
            active = regions.current();
        } catch (RuntimeException e) {
            builder.message("active region unknown, the control state is unreadable: " + Failures.describe(e));
            return;
        }
        String roles = config.sortedRegions().keySet().stream()
                .map(r -> r.value() + " " + (r.equals(active.region()) ? "active" : "standby"))
                .collect(Collectors.joining(", "));
        builder.message("active region " + active.region() + (active.term() == 0 ? " (the configured primary)"
                : " (term " + active.term() + " since " + active.since() + ", failover " + active.failoverId()
                + "; configured primary " + primary + ")") + "; " + roles);
        builder.detail("activeRegion", active.region().value());
        builder.detail("activeTerm", active.term());
        if (active.since() != null) {
            builder.detail("activeSince", active.since().toString());
            builder.detail("failoverId", active.failoverId());
        }
        config.sortedRegions().keySet().forEach(r -> builder.detail("role." + r.value(),
                r.equals(active.region()) ? "active" : "standby"));
    }
}
