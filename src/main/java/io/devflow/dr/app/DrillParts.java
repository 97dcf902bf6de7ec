package io.devflow.dr.app;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.DrillConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.drill.BackupDrill;
import io.devflow.dr.drill.Drill;
import io.devflow.dr.drill.DrillRecords;
import io.devflow.dr.drill.DrillSuite;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.drill.FailoverDrill;
import io.devflow.dr.drill.LatestDrills;
import io.devflow.dr.drill.PlannedFailoverDrill;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.drill.RecoveryTimeDrill;
import io.devflow.dr.drill.ReplicationDrill;
import io.devflow.dr.drill.ScratchWrites;
import io.devflow.dr.failover.FailoverService;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.failover.canary.InfluxCanary;
import io.devflow.dr.failover.canary.MongoCanary;
import io.devflow.dr.failover.canary.RedisCanary;
import io.devflow.dr.metrics.ComplianceMetrics;
import io.devflow.dr.metrics.DrillMetrics;
import io.devflow.dr.recovery.plan.Recoveries;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.replication.ReplicationReports;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.verification.BackupVerifier;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * DR drills and the recovery objectives measured from them, built beside {@link DrServices}: the suite with its
 * drills in the order a whole run takes them, the results in the control state, the RTO/RPO gauges and the gauges
 * of each drill type's last result.
 */
public record DrillParts(DrillSuite suite, DrillRecords records, RecoveryObjectives objectives, LatestDrills latest) {

    static DrillParts of(DrConfig config, StateStore state, ActiveRegions active, RegionDirectory regions,
                         StoreRegistry stores, BackupCatalog catalog, BackupVerifier verifier, AuditLog audit,
                         FailoverService failovers, ReplicationService replication, Recoveries recoveries,
                         MeterRegistry meters, Clock clock) {
        DrillRecords records = new DrillRecords(state);
        RecoveryObjectives objectives = new RecoveryObjectives(config, regions, catalog, records,
                () -> active.current().region(), () -> live(replication),
                () -> replication == null ? Optional.empty() : ReplicationReports.published(state), clock);
        ComplianceMetrics metrics = new ComplianceMetrics(meters);
        Arrays.stream(StoreKind.values()).filter(s -> config.regions().values().stream().anyMatch(r -> r.has(s)))
                .forEach(s -> metrics.track(s.id(),
                        () -> objectives.of(s.id()).rtoMet() ? 1 : 0,
                        () -> orNaN(objectives.of(s.id()).rtoMeasuredSeconds()),
                        () -> objectives.of(s.id()).rpoMet() ? 1 : 0,
                        () -> orNaN(objectives.of(s.id()).rpoMeasuredSeconds())));
        LatestDrills latest = new LatestDrills(records);
        DrillMetrics drillMetrics = new DrillMetrics(meters);
        for (DrillType type : DrillType.values()) {
            drillMetrics.track(type.id(), () -> latest.of(type).map(r -> r.passed() ? 1.0 : 0.0).orElse(Double.NaN),
                    () -> latest.of(type).map(r -> (double) r.endedAt().getEpochSecond()).orElse(Double.NaN));
        }
        List<StoreCanary> canaries = List.of(new MongoCanary(regions, clock), new RedisCanary(regions),
                new InfluxCanary(regions, clock));
        Drill failover = config.recovery().drills().failover() == DrillConfig.FailoverMode.PLANNED
                ? new PlannedFailoverDrill(config, failovers, () -> active.current().region())
                : new FailoverDrill(config, failovers, () -> active.current().region(), new ScratchWrites(regions, clock),
                canaries);
        List<Drill> drills = List.of(
                new BackupDrill(config, regions, stores, catalog, verifier),
                new ReplicationDrill(config.replication(),
                        () -> replication == null ? List.of() : replication.directions(), regions, clock),
                failover,
                new RecoveryTimeDrill(config, regions, stores, recoveries, () -> active.current().region(),
                        Duration.ofMinutes(config.recovery().rtoMinutes())));
        return new DrillParts(new DrillSuite(drills, records, audit, objectives::measured, clock), records, objectives,
                latest);
    }

    /** This process's replication report while its workers run. */
    private static Optional<ReplicationReport> live(ReplicationService replication) {
        return replication != null && Arrays.stream(StoreKind.values()).anyMatch(replication::isRunning)
                ? Optional.of(replication.report()) : Optional.empty();
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
