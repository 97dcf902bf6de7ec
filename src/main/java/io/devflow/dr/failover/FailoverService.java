package io.devflow.dr.failover;

import java.util.List;
import java.util.Optional;

/**
 * Failovers, as every surface (CLI, API, console, the automatic controller) asks for them. Only the leader runs
 * one; a standby's {@link #start} is refused naming the leader.
 */
public interface FailoverService {

    /** What a failover to the request's target would do now, and whether it would be refused (a dry run). */
    FailoverPlan plan(FailoverRequest request);

    /**
     * Records the failover and starts its steps in the background; the returned record is {@code running}, or
     * {@code refused} (with the plan's refusals) when it could not start.
     */
    FailoverRecord start(FailoverRequest request);

    /** Newest first, at most {@code limit}. */
    List<FailoverRecord> list(int limit);

    Optional<FailoverRecord> get(String id);
}
