package io.devflow.dr.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code recovery.failover.automatic}: the seed's triggers of an automatic failover and what keeps it from flapping.
 *
 * @param failedChecks consecutive failed checks of the primary's stores before the controller acts (never one)
 * @param checkInterval time between checks
 * @param cooldown no second automatic failover within this time, unless an operator acknowledged the last one
 * @param healthUrls the applications' health URLs; failing as long as the stores' checks, they trigger too
 */
public record AutoFailoverConfig(int failedChecks, Duration checkInterval, Duration cooldown, List<URI> healthUrls) {

    public static final AutoFailoverConfig DEFAULT =
            new AutoFailoverConfig(3, Duration.ofSeconds(10), Duration.ofMinutes(30), List.of());

    public AutoFailoverConfig {
        healthUrls = List.copyOf(healthUrls);
    }
}
