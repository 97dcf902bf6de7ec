package io.devflow.dr.compliance;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.control.AuditEntry;
import io.devflow.dr.control.AuditVerification;
import io.devflow.dr.failover.FailoverRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The checks on what was done: restore drills, failover tests, and the audit log that records it all. */
final class OperationChecks {

    private OperationChecks() {
    }

    static CheckResult restoreDrills(ComplianceInputs in) {
        List<DrillRun> drills = in.drills().stream()
                .filter(d -> d.type().equals("backup") || d.type().equals("recovery-time")).toList();
        List<Evidence> evidence = drills.stream().map(OperationChecks::drill).toList();
        Periodic.Judgement judged = in.every(in.policy().restoreDrill()).judge("restore drill",
                drills.stream().map(d -> new Periodic.Event(d.startedAt(), d.passed())).toList());
        return new CheckResult(Check.RESTORE_DRILLS.id(), Check.RESTORE_DRILLS.title(), judged.verdict(),
                judged.summary(), evidence, judged.gaps());
    }

    static CheckResult failoverTested(ComplianceInputs in) {
        List<Evidence> evidence = new ArrayList<>();
        List<Periodic.Event> events = new ArrayList<>();
        in.drills().stream().filter(d -> d.type().equals("failover")).forEach(d -> {
            evidence.add(drill(d));
            events.add(new Periodic.Event(d.startedAt(), d.passed()));
        });
        in.failovers().stream().filter(f -> f.startedAt() != null && !f.startedAt().isBefore(in.periodStart())
                        && f.state() != FailoverRecord.State.REFUSED && f.state().finished())
                .forEach(f -> {
                    boolean completed = f.state() == FailoverRecord.State.COMPLETED;
                    evidence.add(new Evidence("failover", f.id(), f.startedAt(), f.state().id(), f.request().trigger()
                            + " failover to " + f.request().target() + ": " + f.request().reason()));
                    events.add(new Periodic.Event(f.startedAt(), completed));
                });
        events.sort(Comparator.comparing(Periodic.Event::at));
        Periodic.Judgement judged = in.every(in.policy().failoverTest()).judge("failover test", events);
        return new CheckResult(Check.FAILOVER_TESTED.id(), Check.FAILOVER_TESTED.title(), judged.verdict(),
                judged.summary(), evidence, judged.gaps());
    }

    /**
     * The chain must verify, and every backup and failover since the chain began (within the period) must have its
     * entry: what ran before the chain was not audited this way and is not held against it.
     */
    static CheckResult audit(ComplianceInputs in) {
        AuditVerification chain = in.chain();
        List<Evidence> evidence = new ArrayList<>();
        evidence.add(new Evidence("audit", "chain", chain.lastAt(), chain.intact() ? "intact" : "broken",
                chain.entries() + " chained entries, head " + chain.headHash()
                        + (chain.legacyEntries() > 0 ? "; " + chain.legacyEntries() + " legacy entries before the chain" : "")
                        + (chain.intact() ? "" : "; first bad entry " + chain.firstBad() + ": " + chain.problem())));
        Map<String, Long> actions = in.audit().stream().collect(Collectors.groupingBy(AuditEntry::action, TreeMap::new,
                Collectors.counting()));
        actions.forEach((action, n) -> evidence.add(new Evidence("audit", action, null, n + " entries",
                "entries of this action in the period")));
        if (!chain.intact()) {
            return new CheckResult(Check.AUDIT.id(), Check.AUDIT.title(), Verdict.FAIL, "the audit chain is broken at "
                    + "entry " + chain.firstBad() + ": " + chain.problem(), evidence, List.of());
        }
        if (chain.entries() == 0 || chain.firstAt() == null) {
            return new CheckResult(Check.AUDIT.id(), Check.AUDIT.title(), Verdict.NOT_ENOUGH_EVIDENCE,
                    "the audit chain has no entries yet", evidence, List.of());
        }
        Instant from = chain.firstAt().isAfter(in.periodStart()) ? chain.firstAt() : in.periodStart();
        Set<String> audited = in.audit().stream().map(AuditEntry::subject).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        in.backups().stream().filter(b -> (b.status() == BackupStatus.COMPLETED || b.status() == BackupStatus.FAILED)
                        && b.startedAt() != null && !b.startedAt().isBefore(from) && !audited.contains(b.id()))
                .map(BackupRecord::id).forEach(missing::add);
        in.failovers().stream().filter(f -> f.startedAt() != null && !f.startedAt().isBefore(from)
                && !audited.contains(f.id())).map(FailoverRecord::id).forEach(missing::add);
        missing.stream().limit(20).forEach(id -> evidence.add(new Evidence("audit", id, null, "missing",
                "an action since the chain began without an audit entry")));
        if (!missing.isEmpty()) {
            return new CheckResult(Check.AUDIT.id(), Check.AUDIT.title(), Verdict.FAIL, missing.size()
                    + " backup(s) or failover(s) since " + from + " have no audit entry", evidence, List.of());
        }
        return new CheckResult(Check.AUDIT.id(), Check.AUDIT.title(), Verdict.PASS, "chain intact over "
                + chain.entries() + " entries; every backup and failover since " + from + " is audited", evidence,
                List.of());
    }

    private static Evidence drill(DrillRun d) {
        return new Evidence("drill", d.id(), d.startedAt(), d.passed() ? "passed" : "failed", d.type() + " drill ("
                + (d.trigger() == null ? "?" : d.trigger()) + ", " + d.duration().toSeconds() + " s)"
                + (d.failure() == null ? "" : ": " + d.failure()));
    }
}
