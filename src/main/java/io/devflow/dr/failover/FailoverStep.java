package io.devflow.dr.failover;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/**
 * The six steps of a failover, in order (the seed's failover process). Each has a route in
 * {@code routes/failover/} and, where it changes anything, a compensation that undoes it.
 */
public enum FailoverStep {
    /** Every store of the target healthy, replication lag within the RPO (or forced). Changes nothing. */
    VALIDATE_TARGET("validate-target"),
    /** Routing drains the source; writes at the source's stores are fenced where the store allows it. */
    STOP_TRAFFIC("stop-traffic"),
    /** Replication drained where the source still answers; the target becomes the active region (a new term). */
    PROMOTE("promote"),
    /** Routing sends clients to the target. */
    UPDATE_ROUTING("update-routing"),
    /** A canary write and read on every store of the new primary, and the configured smoke URLs. */
    VERIFY("verify"),
    /** The team is told, by every configured notifier. */
    NOTIFY("notify");

    private final String id;

    FailoverStep(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static FailoverStep parse(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown failover step '" + id + "'"));
    }
}
