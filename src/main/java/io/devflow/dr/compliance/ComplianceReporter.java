package io.devflow.dr.compliance;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.failover.FailoverRecords;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Reads the evidence and judges the controls of the chosen standards over a period. */
public final class ComplianceReporter {

    /** Failover records read: far more than a period holds. */
    private static final int FAILOVERS = 1_000;

    private final DrConfig config;
    private final BackupCatalog catalog;
    private final FailoverRecords failovers;
    private final ActiveRegions activeRegions;
    private final AuditLog audit;
    private final DrillEvidence drills;
    private final Clock clock;

    public ComplianceReporter(DrConfig config, BackupCatalog catalog, FailoverRecords failovers,
                              ActiveRegions activeRegions, AuditLog audit, DrillEvidence drills, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.failovers = failovers;
        this.activeRegions = activeRegions;
        this.audit = audit;
        this.drills = drills;
        this.clock = clock;
    }

    /** A report and the inputs it was judged from (the evidence an export carries). */
    public record Judged(ComplianceReport report, ComplianceInputs inputs) {
    }

    public Judged report(List<Standard> standards, Duration period) {
        Instant now = clock.instant();
        Instant from = now.minus(period);
        BackupCatalog.Listing listing = catalog.list(Optional.empty(), Optional.empty());
        ComplianceInputs inputs = new ComplianceInputs(config, CompliancePolicy.of(config, now),
                activeRegions.current().region(), listing.backups(), listing.unreachable(),
                failovers.newest(FAILOVERS), drills.since(from), audit.list(from, null, Integer.MAX_VALUE),
                audit.verify(), now, period);
        return new Judged(judge(inputs, standards), inputs);
    }

    /** Judges every check once, then each control of the standards from its checks. */
    public static ComplianceReport judge(ComplianceInputs inputs, List<Standard> standards) {
        Map<Check, Function<ComplianceInputs, CheckResult>> checks = new EnumMap<>(Check.class);
        checks.put(Check.ENCRYPTION, BackupChecks::encryption);
        checks.put(Check.RETENTION, BackupChecks::retention);
        checks.put(Check.OFFSITE_COPY, BackupChecks::offsiteCopy);
        checks.put(Check.RESTORE_DRILLS, OperationChecks::restoreDrills);
        checks.put(Check.RTO_RPO, BackupChecks::rtoRpo);
        checks.put(Check.FAILOVER_TESTED, OperationChecks::failoverTested);
        checks.put(Check.AUDIT, OperationChecks::audit);
        List<Control> controls = Controls.of(standards);
        Map<Check, CheckResult> results = new EnumMap<>(Check.class);
        controls.forEach(c -> c.checks().forEach(check -> results.computeIfAbsent(check,
                k -> checks.get(k).apply(inputs))));
        List<ControlResult> judged = new ArrayList<>();
        for (Control control : controls) {
            Verdict verdict = Verdict.PASS;
            List<String> reasons = new ArrayList<>();
            for (Check check : control.checks()) {
                CheckResult result = results.get(check);
                verdict = verdict.and(result.verdict());
                if (result.verdict() != Verdict.PASS) {
                    reasons.add(check.id() + " (" + result.verdict().id() + "): " + result.summary());
                }
            }
            judged.add(new ControlResult(control.standard().id(), control.id(), control.title(), verdict,
                    control.checks().stream().map(Check::id).toList(), reasons));
        }
        return new ComplianceReport(ComplianceReport.FORMAT, inputs.config().deploymentId(), inputs.now(),
                inputs.periodStart(), inputs.now(), Durations.text(inputs.period()),
                standards.stream().map(Standard::id).toList(), judged, List.copyOf(results.values()));
    }
}
