package io.devflow.dr.compliance;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.control.AuditEntry;
import io.devflow.dr.control.AuditVerification;
import io.devflow.dr.failover.FailoverRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything the report judges, read once: the configuration, the catalog of every region, failovers, drills, the
 * audit entries of the period and the verification of the whole chain.
 */
public record ComplianceInputs(DrConfig config, CompliancePolicy policy, RegionId activeRegion,
                               List<BackupRecord> backups, Map<String, String> unreachableRegions,
                               List<FailoverRecord> failovers, List<DrillRun> drills, List<AuditEntry> audit,
                               AuditVerification chain, Instant now, Duration period) {

    public Instant periodStart() {
        return now.minus(period);
    }

    /** The later of the period's start and the deployment's first evidence: nothing was due before either. */
    public Instant observedFrom() {
        Instant first = Stream.of(
                        backups.stream().map(BackupRecord::startedAt),
                        failovers.stream().map(FailoverRecord::startedAt),
                        drills.stream().map(DrillRun::startedAt),
                        audit.stream().map(AuditEntry::at),
                        Stream.of(chain.firstAt()))
                .flatMap(s -> s).filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(now);
        return first.isAfter(periodStart()) ? first : periodStart();
    }

    public Periodic every(Duration interval) {
        return new Periodic(observedFrom(), now, interval);
    }

    public List<BackupRecord> backupsInPeriod() {
        return backups.stream().filter(b -> b.startedAt() != null && !b.startedAt().isBefore(periodStart())).toList();
    }
}
