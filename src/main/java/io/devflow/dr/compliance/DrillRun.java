package io.devflow.dr.compliance;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A DR drill's result as evidence: the drill document {@code drills/<id>} of the DR tests.
 *
 * @param type    backup (restore drill), replication, failover or recovery-time
 * @param trigger manual or schedule
 * @param failure why it failed, null when it passed
 */
public record DrillRun(String id, String type, String trigger, String by, Instant startedAt, Instant endedAt,
                       boolean passed, Map<String, StoreResult> stores, String failure) {

    public DrillRun {
        stores = Map.copyOf(stores);
    }

    /** One store's part of a drill. */
    public record StoreResult(boolean passed, double seconds, String detail) {
    }

    public Duration duration() {
        return startedAt == null || endedAt == null ? Duration.ZERO : Duration.between(startedAt, endedAt);
    }
}
