package io.devflow.dr.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code recovery.failover}: how a failover moves the deployment to another region.
 *
 * @param routing where clients are sent, and how that is changed (steps 2 and 4)
 * @param fencing how writes at the source's stores are stopped while clients move (step 2)
 * @param smokeUrls URLs that must answer 2xx after the switch (step 5), besides the stores' canaries
 * @param drainTimeout how long the promote step waits for replication to catch up while the source still answers
 * @param automatic when the controller fails over by itself ({@code recovery.autoFailover} turns it on)
 */
public record FailoverConfig(RoutingConfig routing, FencingConfig fencing, List<URI> smokeUrls, Duration drainTimeout,
                             AutoFailoverConfig automatic) {

    public FailoverConfig {
        smokeUrls = List.copyOf(smokeUrls);
    }

    public static FailoverConfig defaultFor(Path configFile) {
        return new FailoverConfig(RoutingConfig.defaultFor(configFile), FencingConfig.DEFAULT, List.of(),
                Duration.ofSeconds(30), AutoFailoverConfig.DEFAULT);
    }
}
