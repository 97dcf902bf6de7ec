package io.devflow.dr.app;

import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.failover.FailoverPlanner;
import io.devflow.dr.failover.FailoverRecords;
import io.devflow.dr.failover.Failovers;
import io.devflow.dr.failover.LiveEvidence;

/** The failover service and what it is made of, shared by the CLI, the API and the failover routes' beans. */
public record FailoverParts(ActiveRegions activeRegions, FailoverRecords records, LiveEvidence evidence,
                            FailoverPlanner planner, Failovers failovers) {
}
