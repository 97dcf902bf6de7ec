package io.devflow.dr.testing;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.failover.FailoverPlanner;
import io.devflow.dr.failover.FailoverRecords;
import io.devflow.dr.failover.Failovers;
import io.devflow.dr.metrics.FailoverMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The failover service over a control state, planning from scripted evidence, as the API and route tests use it. */
public final class TestFailovers {

    /** The term every test controller leads in. */
    public static final Leadership.Term TERM = new Leadership.Term(1, "test", "http://127.0.0.1", Instant.EPOCH);

    private TestFailovers() {
    }

    public static Failovers service(DrConfig config, StateStore state, ScriptedEvidence evidence, MeterRegistry meters,
                                    Clock clock) {
        ActiveRegions active = new ActiveRegions(config, state, clock);
        return new Failovers(new FailoverPlanner(config, evidence, clock), new FailoverRecords(state), active,
                new AuditLog(state, clock), new FailoverMetrics(meters, List.of("us-east-1", "us-west-2"),
                () -> active.current().region().value()), () -> Optional.of(TERM), clock);
    }

    public static ScriptedEvidence evidence(DrConfig config, StateStore state, Clock clock) {
        return new ScriptedEvidence(new ActiveRegions(config, state, clock), new FailoverRecords(state), clock);
    }
}
