package io.devflow.dr.failover;

import io.devflow.dr.config.RegionId;

/**
 * A failover asked for: by an operator (CLI, API, console) or by the controller itself.
 *
 * @param target the region to make active
 * @param reason why, in the operator's words (required; an automatic failover names its evidence)
 * @param force go on although replication lag exceeds the RPO (overrides that check only; recorded)
 * @param trigger {@code manual} or {@code automatic}
 * @param by who: the API token's name, {@code user@host (cli)}, or {@code controller}
 */
public record FailoverRequest(RegionId target, String reason, boolean force, Trigger trigger, String by) {

    public enum Trigger {
        MANUAL("manual"), AUTOMATIC("automatic");

        private final String id;

        Trigger(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
