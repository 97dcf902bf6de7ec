package io.devflow.dr.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code recovery.failover.fencing}: how writes at the source region's stores are stopped while clients move.
 * Redis pauses its writers itself; MongoDB and InfluxDB cannot refuse writes on their own, so a hook of the
 * platform's (a command or an HTTP call) does it, or the failover records the residual risk.
 *
 * @param redisPause how long one {@code CLIENT PAUSE ... WRITE} holds; renewed while the failover runs
 * @param hooks per store kind, the hook that fences it and lifts the fence
 */
public record FencingConfig(Duration redisPause, Map<StoreKind, FenceHook> hooks) {

    public static final FencingConfig DEFAULT = new FencingConfig(Duration.ofSeconds(30), Map.of());

    public FencingConfig {
        hooks = Map.copyOf(hooks);
    }

    /**
     * A fence hook: either a command (run with the region and {@code fence} or {@code lift} as its last two
     * arguments) or an HTTP URL (POSTed a JSON body with region and action); it fences when it succeeds within the
     * timeout.
     */
    public record FenceHook(List<String> command, Optional<URI> url, Duration timeout) {

        public FenceHook {
            command = List.copyOf(command);
        }
    }
}
