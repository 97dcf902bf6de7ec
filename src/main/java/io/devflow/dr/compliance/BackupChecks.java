package io.devflow.dr.compliance;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.EncryptionConfig;
import io.devflow.dr.config.KeyProviderKind;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RetentionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The checks on the backups themselves: encryption, retention, a copy in another region, RTO and RPO. */
final class BackupChecks {

    private BackupChecks() {
    }

    static CheckResult encryption(ComplianceInputs in) {
        List<Evidence> evidence = new ArrayList<>();
        EncryptionConfig encryption = in.config().backup().encryption();
        String key = encryption.provider() == KeyProviderKind.AWS_KMS
                ? "KMS key " + encryption.keyId().orElse("?")
                : encryption.keyFile().map(f -> "local keyring " + f).orElse("local master key "
                + encryption.keyId().orElse("?"));
        evidence.add(new Evidence("config", "backup.encryption", null, encryption.provider().toString(),
                key + "; every backup is encrypted (encryption cannot be turned off, decision 4)"));
        in.audit().stream().filter(e -> e.action().startsWith("key-"))
                .forEach(e -> evidence.add(audit(e, e.action() + " " + e.subject())));
        List<BackupRecord> backups = in.backupsInPeriod();
        List<BackupRecord> damaged = backups.stream().filter(b -> b.status() == BackupStatus.DAMAGED).toList();
        List<BackupRecord> completed = backups.stream().filter(b -> b.status() == BackupStatus.COMPLETED).toList();
        damaged.forEach(b -> evidence.add(backup(b, "its manifest's seal does not verify: " + b.error())));
        Map<String, Long> byKey = completed.stream().collect(Collectors.groupingBy(
                b -> b.keyId() == null ? "none" : b.keyId(), TreeMap::new, Collectors.counting()));
        byKey.forEach((keyId, n) -> evidence.add(new Evidence("backup", keyId, null, n + " completed",
                "completed backups whose data key is wrapped by " + keyId + " and whose manifest seal verified")));
        Verdict verdict;
        String summary;
        if (!damaged.isEmpty()) {
            verdict = Verdict.FAIL;
            summary = damaged.size() + " backup(s) in the period whose manifest seal does not verify";
        } else if (completed.isEmpty()) {
            verdict = Verdict.NOT_ENOUGH_EVIDENCE;
            summary = "no completed backup in the period";
        } else if (byKey.containsKey("none")) {
            verdict = Verdict.FAIL;
            summary = byKey.get("none") + " completed backup(s) without a wrapping key";
        } else {
            verdict = Verdict.PASS;
            summary = completed.size() + " completed backup(s), each under its own data key wrapped by " + key
                    + ", manifests sealed";
        }
        return new CheckResult(Check.ENCRYPTION.id(), Check.ENCRYPTION.title(), verdict, summary, evidence, List.of());
    }

    static CheckResult retention(ComplianceInputs in) {
        List<Evidence> evidence = new ArrayList<>();
        RetentionConfig retention = in.config().backup().retention();
        long horizon = Math.max(retention.daily(), Math.max(retention.weekly() * 7L, retention.monthly() * 30L));
        long periodDays = in.period().toDays();
        evidence.add(new Evidence("config", "backup.retention", null, "daily " + retention.daily() + ", weekly "
                + retention.weekly() + ", monthly " + retention.monthly(), "keeps full backups for about " + horizon
                + " days"));
        for (StoreKind store : StoreKind.values()) {
            in.backups().stream().filter(b -> b.status() == BackupStatus.COMPLETED && store.id().equals(b.store())
                            && BackupType.FULL.id().equals(b.type()))
                    .min(Comparator.comparing(BackupRecord::startedAt))
                    .ifPresent(b -> evidence.add(backup(b, "the oldest full " + store.id() + " backup kept, "
                            + Duration.between(b.startedAt(), in.now()).toDays() + " days old")));
        }
        List<AuditEntry> runs = in.audit().stream().filter(e -> e.action().equals("retention-applied")).toList();
        runs.forEach(e -> evidence.add(audit(e, "retention applied: " + e.details().path("deleted").asInt()
                + " deleted, " + e.details().path("kept").asInt() + " kept")));
        Periodic.Judgement applied = in.every(in.policy().retention()).judge("applied retention", runs.stream()
                .map(e -> new Periodic.Event(e.at(), !"failed".equals(e.outcome()))).toList());
        if (horizon < periodDays) {
            return new CheckResult(Check.RETENTION.id(), Check.RETENTION.title(), Verdict.FAIL, "full backups are kept "
                    + "for about " + horizon + " days, less than the " + periodDays + "-day period: backups of the "
                    + "period are deleted before it ends", evidence, applied.gaps());
        }
        return new CheckResult(Check.RETENTION.id(), Check.RETENTION.title(), applied.verdict(),
                "full backups kept for about " + horizon + " days; " + applied.summary(), evidence, applied.gaps());
    }

    static CheckResult offsiteCopy(ComplianceInputs in) {
        List<Evidence> evidence = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        List<String> summaries = new ArrayList<>();
        Verdict verdict = Verdict.PASS;
        RegionConfig active = in.config().region(in.activeRegion()).orElse(in.config().primaryRegion());
        List<BackupRecord> completed = in.backupsInPeriod().stream()
                .filter(b -> b.status() == BackupStatus.COMPLETED).toList();
        for (StoreKind store : StoreKind.values()) {
            if (!active.has(store)) {
                continue;
            }
            boolean elsewhere = in.config().regions().values().stream()
                    .anyMatch(r -> !r.id().equals(active.id()) && r.has(store));
            List<BackupRecord> copies = completed.stream().filter(b -> b.store().equals(store.id())
                    && !b.region().equals(active.id().value())).sorted(Comparator.comparing(BackupRecord::startedAt))
                    .toList();
            long local = completed.stream().filter(b -> b.store().equals(store.id())
                    && b.region().equals(active.id().value())).count();
            copies.stream().skip(Math.max(0, copies.size() - 5))
                    .forEach(b -> evidence.add(backup(b, store.id() + " copy in " + b.region())));
            if (!elsewhere) {
                verdict = verdict.and(Verdict.FAIL);
                summaries.add(store.id() + ": no region besides " + active.id() + " has it configured");
            } else if (copies.isEmpty() && local > 0) {
                verdict = verdict.and(Verdict.FAIL);
                summaries.add(store.id() + ": " + local + " backup(s) in " + active.id() + " only, none in another "
                        + "region in the period");
            } else {
                Periodic.Judgement judged = in.every(in.policy().fullBackup()).judge(store.id()
                        + " copy in another region", copies.stream().map(b -> new Periodic.Event(b.startedAt(), true))
                        .toList());
                verdict = verdict.and(judged.verdict());
                gaps.addAll(judged.gaps());
                summaries.add(store.id() + ": " + judged.summary());
            }
        }
        in.unreachableRegions().forEach((region, why) -> evidence.add(new Evidence("region", region, null,
                "unreachable", "its backups could not be listed: " + why)));
        if (summaries.isEmpty()) {
            return new CheckResult(Check.OFFSITE_COPY.id(), Check.OFFSITE_COPY.title(), Verdict.NOT_ENOUGH_EVIDENCE,
                    "no store is configured in the active region " + active.id(), evidence, gaps);
        }
        return new CheckResult(Check.OFFSITE_COPY.id(), Check.OFFSITE_COPY.title(), verdict,
                String.join("; ", summaries), evidence, gaps);
    }

    static CheckResult rtoRpo(ComplianceInputs in) {
        List<Evidence> evidence = new ArrayList<>();
        Duration rto = Duration.ofMinutes(in.config().recovery().rtoMinutes());
        Duration rpo = Duration.ofMinutes(in.config().recovery().rpoMinutes());
        evidence.add(new Evidence("config", "recovery", null, "RTO " + Durations.text(rto) + ", RPO "
                + Durations.text(rpo), "the objectives"));
        List<String> summaries = new ArrayList<>();
        Optional<DrillRun> measured = newest(in, "recovery-time").or(() -> newest(in, "backup"));
        Verdict verdict;
        if (measured.isEmpty()) {
            verdict = Verdict.NOT_ENOUGH_EVIDENCE;
            summaries.add("no measured recovery time (a passed recovery-time or restore drill) in the period");
        } else {
            DrillRun drill = measured.get();
            Duration took = drill.duration();
            evidence.add(new Evidence("drill", drill.id(), drill.startedAt(), "recovered in " + took.toSeconds() + " s",
                    drill.type() + " drill: " + drill.stores().entrySet().stream().map(e -> e.getKey() + " "
                    + Math.round(e.getValue().seconds()) + " s").collect(Collectors.joining(", "))));
            verdict = took.compareTo(rto) <= 0 ? Verdict.PASS : Verdict.FAIL;
            summaries.add("measured recovery time " + took.toSeconds() + " s against an RTO of " + rto.toSeconds() + " s");
        }
        for (StoreKind store : StoreKind.values()) {
            if (in.config().regions().values().stream().noneMatch(r -> r.has(store))) {
                continue;
            }
            Optional<BackupRecord> newest = in.backups().stream().filter(b -> b.status() == BackupStatus.COMPLETED
                    && b.store().equals(store.id())).max(Comparator.comparing(BackupChecks::restorableUntil));
            if (newest.isEmpty()) {
                verdict = verdict.and(Verdict.NOT_ENOUGH_EVIDENCE);
                summaries.add(store.id() + ": no restorable point");
                continue;
            }
            Duration age = Duration.between(restorableUntil(newest.get()), in.now());
            evidence.add(backup(newest.get(), store.id() + " restorable until " + restorableUntil(newest.get())
                    + ", " + age.toMinutes() + " min before the report"));
            if (age.compareTo(rpo) > 0) {
                verdict = verdict.and(Verdict.FAIL);
                summaries.add(store.id() + ": newest restorable point " + age.toMinutes() + " min old, over the RPO");
            }
        }
        return new CheckResult(Check.RTO_RPO.id(), Check.RTO_RPO.title(), verdict, String.join("; ", summaries),
                evidence, List.of());
    }

    private static Optional<DrillRun> newest(ComplianceInputs in, String type) {
        return in.drills().stream().filter(d -> d.type().equals(type) && d.passed())
                .max(Comparator.comparing(DrillRun::startedAt));
    }

    private static Instant restorableUntil(BackupRecord b) {
        return b.coveredUntil() != null ? b.coveredUntil() : b.completedAt() != null ? b.completedAt() : b.startedAt();
    }

    static Evidence backup(BackupRecord b, String detail) {
        return new Evidence("backup", b.id(), b.startedAt(), b.status().id(), detail);
    }

    static Evidence audit(AuditEntry e, String detail) {
        return new Evidence("audit", e.legacy() ? e.path() : "entry " + e.seq(), e.at(),
                e.outcome() == null ? e.action() : e.outcome(), detail + " (by " + e.by() + ")");
    }
}
