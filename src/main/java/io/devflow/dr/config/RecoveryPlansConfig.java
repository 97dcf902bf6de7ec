package io.devflow.dr.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code recovery.plans}: what a recovery plan ({@code dr recover}) does after the data is back, and how often a running
 * plan tells the control state it is alive.
 *
 * @param hooks run in order once every store is restored and verified ("deploy apps", "switch load balancer",
 *              "smoke test")
 * @param heartbeat how often a running plan's record is rewritten; a running record not rewritten for three of these
 *                  belongs to a process that is gone, and {@code dr recover resume} may take it over
 */
public record RecoveryPlansConfig(List<Hook> hooks, Duration heartbeat) {

    public static final RecoveryPlansConfig DEFAULT = new RecoveryPlansConfig(List.of(), Duration.ofSeconds(5));

    public RecoveryPlansConfig {
        hooks = List.copyOf(hooks);
    }

    /**
     * A hook: a command (run with the plan id and the target region as its last two arguments; exit code 0 within the
     * timeout) or a URL (POSTed {@code {"planId", "region", "hook"}}; a 2xx answer within the timeout).
     */
    public record Hook(String name, List<String> command, Optional<URI> url, Duration timeout) {

        public Hook {
            command = List.copyOf(command);
        }
    }
}
