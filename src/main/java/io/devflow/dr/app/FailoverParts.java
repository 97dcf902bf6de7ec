package io.devflow.dr.app;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.control.NotLeaderException;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.control.WriteAuthority;
import io.devflow.dr.failover.FailoverPlanner;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRecords;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.Failovers;
import io.devflow.dr.failover.HealthMonitor;
import io.devflow.dr.failover.LiveEvidence;
import io.devflow.dr.metrics.FailoverMetrics;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.replication.ReplicationReports;
import io.devflow.dr.replication.ReplicationService;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/** The failover service and what it is made of, shared by the CLI, the API and the failover routes' beans. */
public record FailoverParts(ActiveRegions activeRegions, FailoverRecords records, LiveEvidence evidence,
                            FailoverPlanner planner, Failovers failovers) {

    /**
     * Builds the parts over the services' own.
     *
     * @param writer who writes the control state in this process now: the leadership once a server runs, else the
     *               operator
     * @param replication this process's replication, null when the configuration has none
     */
    static FailoverParts of(DrConfig config, StateStore state, ActiveRegions active, HealthMonitor health,
                            BackupCatalog catalog, RegionDirectory regions, AuditLog audit, MeterRegistry meters,
                            Leadership leadership, Supplier<WriteAuthority> writer, ReplicationService replication,
                            Clock clock) {
        FailoverRecords records = new FailoverRecords(state);
        LiveEvidence evidence = new LiveEvidence(() -> refusal(leadership, writer.get()), active, health,
                () -> report(replication, state), catalog, regions, records);
        FailoverPlanner planner = new FailoverPlanner(config, evidence, clock);
        FailoverMetrics metrics = new FailoverMetrics(meters, config.sortedRegions().keySet().stream()
                .map(r -> r.value()).toList(), () -> active.current().region().value());
        for (FailoverRequest.Trigger trigger : FailoverRequest.Trigger.values()) {
            Arrays.stream(FailoverRecord.State.values()).filter(FailoverRecord.State::finished).forEach(outcome ->
                    metrics.expect(trigger.id(), outcome.id(), outcome != FailoverRecord.State.REFUSED));
        }
        return new FailoverParts(active, records, evidence, planner, new Failovers(planner, records, active, audit,
                metrics, () -> writer.get() == leadership && leadership.leads() ? leadership.ownTerm() : Optional.empty(),
                clock));
    }

    /** Why this process may not fail over: a server that does not lead (a CLI command takes leadership first). */
    private static Optional<String> refusal(Leadership leadership, WriteAuthority writer) {
        if (writer != leadership) {
            return Optional.empty();
        }
        try {
            leadership.requireLeader();
            return Optional.empty();
        } catch (NotLeaderException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Replication's figures: this process's own while its workers run, else those the server last published. */
    private static Optional<ReplicationReport> report(ReplicationService replication, StateStore state) {
        if (replication == null) {
            return Optional.empty();
        }
        boolean live = Arrays.stream(StoreKind.values()).anyMatch(replication::isRunning);
        return live ? Optional.of(replication.report()) : ReplicationReports.published(state);
    }
}
