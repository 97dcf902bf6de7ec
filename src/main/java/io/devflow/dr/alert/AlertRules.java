package io.devflow.dr.alert;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.AlertRule;
import io.devflow.dr.config.AlertsConfig;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.replication.ReplicationHealth;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.support.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The conditions of the alerts, matching the shipped Prometheus rules, evaluated on what the service already
 * computes. A rule whose source cannot be read is reported unknown, so that its alerts are neither resolved nor
 * repeated on a guess. RPO and RTO alerts fire on measured values only, as the gauges do: never measured is not a
 * breach (a store with no backup at all is {@link AlertRule#BACKUP_MISSING}'s).
 */
public final class AlertRules {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRules.class);

    private final AlertsConfig config;
    private final Optional<ReplicationConfig.Health> replicationHealth;
    private final AlertSources sources;
    private final Clock clock;

    public AlertRules(AlertsConfig config, Optional<ReplicationConfig.Health> replicationHealth, AlertSources sources,
                      Clock clock) {
        this.config = config;
        this.replicationHealth = replicationHealth;
        this.sources = sources;
        this.clock = clock;
    }

    private interface Rule {
        void evaluate(List<Firing> firing);
    }

    public AlertBook.Evaluation evaluate() {
        List<Firing> firing = new ArrayList<>();
        Set<AlertRule> unknown = EnumSet.noneOf(AlertRule.class);
        evaluate(EnumSet.of(AlertRule.BACKUP_FAILED, AlertRule.BACKUP_MISSING), this::backups, firing, unknown);
        evaluate(EnumSet.of(AlertRule.RPO_BREACH, AlertRule.RTO_BREACH), this::objectives, firing, unknown);
        evaluate(EnumSet.of(AlertRule.REPLICATION_DEGRADED, AlertRule.REPLICATION_FAILED), this::replication, firing, unknown);
        evaluate(EnumSet.of(AlertRule.CONFLICT_OPEN_TOO_LONG), this::conflicts, firing, unknown);
        evaluate(EnumSet.of(AlertRule.DRILL_FAILED), this::drills, firing, unknown);
        firing.removeIf(f -> !config.enabled(f.rule()));
        return new AlertBook.Evaluation(firing, unknown);
    }

    private void evaluate(Set<AlertRule> rules, Rule rule, List<Firing> firing, Set<AlertRule> unknown) {
        if (rules.stream().noneMatch(config::enabled)) {
            return;
        }
        List<Firing> found = new ArrayList<>();
        try {
            rule.evaluate(found);
            firing.addAll(found);
        } catch (RuntimeException e) {
            unknown.addAll(rules);
            LOG.warn("alerts {} not evaluated, left as they were: {}", rules, Failures.describe(e));
        }
    }

    private void backups(List<Firing> firing) {
        String region = sources.activeRegion();
        Instant now = clock.instant();
        for (StoreKind store : sources.stores()) {
            List<BackupRecord> backups = sources.backups(store);
            Map<String, String> labels = labels(store.id(), region);
            backups.stream().filter(b -> b.status() == BackupStatus.COMPLETED || b.status() == BackupStatus.FAILED)
                    .findFirst().filter(b -> b.status() == BackupStatus.FAILED)
                    .ifPresent(failed -> firing.add(new Firing(AlertRule.BACKUP_FAILED, labels,
                            "The newest " + store.id() + " backup in " + region + " failed",
                            "backup " + failed.id() + " (" + failed.type() + ") failed at " + failed.completedAt()
                                    + ": " + failed.error(),
                            "the newest backup completes")));
            Optional<Instant> newest = backups.stream().filter(BackupRecord::isCompleted).map(BackupRecord::completedAt)
                    .max(Instant::compareTo);
            if (newest.isEmpty() || Duration.between(newest.get(), now).compareTo(config.backupMaxAge()) > 0) {
                firing.add(new Firing(AlertRule.BACKUP_MISSING, labels,
                        "No " + store.id() + " backup in " + region + " completed within " + text(config.backupMaxAge()),
                        newest.map(t -> "the newest completed " + text(Duration.between(t, now)) + " ago, at " + t)
                                .orElse("no completed backup"),
                        "one completed within " + text(config.backupMaxAge())));
            }
        }
    }

    private void objectives(List<Firing> firing) {
        String region = sources.activeRegion();
        for (RecoveryObjectives.StoreObjectives o : sources.objectives()) {
            Map<String, String> labels = labels(o.store(), region);
            if (o.rpoMeasuredSeconds() != null && !o.rpoMet()) {
                firing.add(new Firing(AlertRule.RPO_BREACH, labels, "The RPO of " + o.store() + " is breached",
                        seconds(o.rpoMeasuredSeconds()) + " of data at risk (replication lag "
                                + orUnknown(o.replicationLagSeconds()) + ", newest restorable point "
                                + orUnknown(o.restorePointAgeSeconds()) + " old)",
                        "RPO " + seconds((double) o.rpoTargetSeconds())));
            }
            if (o.rtoMeasuredSeconds() != null && !o.rtoMet()) {
                firing.add(new Firing(AlertRule.RTO_BREACH, labels, "The RTO of " + o.store() + " is breached",
                        "drill " + o.rtoDrillId() + " measured " + seconds(o.rtoMeasuredSeconds()) + " at "
                                + o.rtoMeasuredAt(),
                        "RTO " + seconds((double) o.rtoTargetSeconds()) + ", in a drill that passed"));
            }
        }
    }

    private void replication(List<Firing> firing) {
        Optional<ReplicationReport> report = sources.replication();
        if (report.isEmpty()) {
            return;
        }
        for (ReplicationReport.Target target : report.get().targets()) {
            for (ReplicationReport.Store store : target.stores()) {
                if (store.health() != ReplicationHealth.DEGRADED && store.health() != ReplicationHealth.FAILED) {
                    continue;
                }
                boolean failed = store.health() == ReplicationHealth.FAILED;
                String value = "lag " + seconds(store.lagSeconds()) + ", " + store.phase()
                        + (store.lastError() == null ? "" : "; last error at " + store.lastErrorAt() + ": " + store.lastError());
                String threshold = replicationHealth.map(h -> failed
                        ? "failed at a lag of " + text(h.failedAfter()) + " or on errors"
                        : "degraded at a lag of " + text(h.degradedAfter())).orElse("healthy");
                firing.add(new Firing(failed ? AlertRule.REPLICATION_FAILED : AlertRule.REPLICATION_DEGRADED,
                        labels(store.store(), target.region()), "Replication of " + store.store() + " to "
                        + target.region() + " is " + store.health(), value, threshold));
            }
        }
    }

    private void conflicts(List<Firing> firing) {
        Instant cutoff = clock.instant().minus(config.conflictMaxAge());
        Map<String, List<Conflict>> old = new TreeMap<>();
        for (Conflict conflict : sources.openConflicts()) {
            if (conflict.detectedAt().isBefore(cutoff)) {
                old.computeIfAbsent(conflict.store() + "/" + conflict.target(), k -> new ArrayList<>()).add(conflict);
            }
        }
        for (List<Conflict> conflicts : old.values()) {
            Conflict oldest = conflicts.stream().min(Comparator.comparing(Conflict::detectedAt)).orElseThrow();
            firing.add(new Firing(AlertRule.CONFLICT_OPEN_TOO_LONG, labels(oldest.store(), oldest.target()),
                    conflicts.size() + " " + oldest.store() + " conflict(s) in " + oldest.target() + " open longer than "
                            + text(config.conflictMaxAge()),
                    conflicts.size() + " open, the oldest " + oldest.id() + " since " + oldest.detectedAt(),
                    "resolved within " + text(config.conflictMaxAge())));
        }
    }

    private void drills(List<Firing> firing) {
        for (DrillType type : DrillType.values()) {
            sources.newestDrill(type).filter(d -> !d.running() && !d.passed()).ifPresent(d -> firing.add(new Firing(
                    AlertRule.DRILL_FAILED, Map.of("drill", type.id()), "The latest " + type.id() + " drill failed",
                    "drill " + d.id() + " failed at " + d.endedAt() + (d.failure() == null ? "" : ": " + d.failure()),
                    "the latest drill passes")));
        }
    }

    private static Map<String, String> labels(String store, String region) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("store", store);
        labels.put("region", region);
        return labels;
    }

    private static String orUnknown(Double seconds) {
        return seconds == null ? "unknown" : seconds(seconds);
    }

    static String seconds(Double seconds) {
        return text(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    /** A duration for people: {@code 45 s}, {@code 12 min}, {@code 3 h 20 min}, {@code 2 d 4 h}. */
    static String text(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7_200) {
            return s / 60 + " min";
        }
        if (s < 172_800) {
            return s / 3_600 + " h" + (s % 3_600 / 60 == 0 ? "" : " " + s % 3_600 / 60 + " min");
        }
        return s / 86_400 + " d" + (s % 86_400 / 3_600 == 0 ? "" : " " + s % 86_400 / 3_600 + " h");
    }
}
