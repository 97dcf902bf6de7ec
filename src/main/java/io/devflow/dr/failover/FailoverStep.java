package io.devflow.dr.failover;

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

    public String id() {
        return id;
    }
}
