package io.devflow.dr.alert;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.AlertRule;
import io.devflow.dr.config.AlertsConfig;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.replication.ReplicationHealth;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The alert rules against what the service computes: which conditions fire, with what value and threshold. */
class AlertRulesTest {

    static final Instant NOW = Instant.parse("2026-01-27T10:00:00Z");

    final MutableClock clock = new MutableClock(NOW);
    final Map<StoreKind, List<BackupRecord>> backups = new EnumMap<>(StoreKind.class);
    final List<RecoveryObjectives.StoreObjectives> objectives = new ArrayList<>();
    final List<Conflict> conflicts = new ArrayList<>();
    final Map<DrillType, DrillResult> drills = new EnumMap<>(DrillType.class);
    Optional<ReplicationReport> replication = Optional.empty();
    RuntimeException catalogDown;
    AlertsConfig config = AlertsConfig.DEFAULTS;

    @Test
    void shouldFireWhenTheNewestFinishedBackupFailedAndNotOnceANewerOneCompleted() {
        backups.put(StoreKind.MONGODB, List.of(backup("b3", BackupStatus.INCOMPLETE, NOW),
                backup("b2", BackupStatus.FAILED, NOW.minusSeconds(60)), backup("b1", BackupStatus.COMPLETED, NOW.minusSeconds(600))));
        backups.put(StoreKind.REDIS, List.of(backup("r2", BackupStatus.COMPLETED, NOW), backup("r1", BackupStatus.FAILED,
                NOW.minusSeconds(60))));

        List<Firing> firing = evaluate().firing();

        assertThat(firing).extracting(Firing::key).containsExactly("DrBackupFailed/mongodb/us-east-1");
        assertThat(firing.get(0).value()).isEqualTo("backup b2 (full) failed at " + NOW.minusSeconds(60)
                + ": mongodb in us-east-1 cannot be reached");
    }

    @Test
    void shouldFireWhenNoBackupCompletedWithinTheMaximumAge() {
        backups.put(StoreKind.MONGODB, List.of(backup("b1", BackupStatus.COMPLETED, NOW.minus(Duration.ofHours(27)))));
        backups.put(StoreKind.REDIS, List.of());

        List<Firing> firing = evaluate().firing();

        assertThat(firing).extracting(Firing::key, Firing::value).containsExactly(
                tuple("DrBackupMissing/mongodb/us-east-1",
                        "the newest completed 27 h ago, at " + NOW.minus(Duration.ofHours(27))),
                tuple("DrBackupMissing/redis/us-east-1", "no completed backup"));
        assertThat(firing.get(0).threshold()).isEqualTo("one completed within 26 h");
    }

    @Test
    void shouldFireOnMeasuredRpoAndRtoBreachesOnly() {
        backups.put(StoreKind.MONGODB, List.of(backup("b1", BackupStatus.COMPLETED, NOW)));
        backups.put(StoreKind.REDIS, List.of(backup("r1", BackupStatus.COMPLETED, NOW)));
        objectives.add(new RecoveryObjectives.StoreObjectives("mongodb", 3600, 4000.0, false, "drill-1", NOW, 900,
                1200.0, 30.0, 1200.0, false));
        objectives.add(new RecoveryObjectives.StoreObjectives("redis", 3600, null, false, null, null, 900, null, null,
                null, false));

        List<Firing> firing = evaluate().firing();

        assertThat(firing).extracting(Firing::key).containsExactly("DrRpoBreached/mongodb/us-east-1",
                "DrRtoBreached/mongodb/us-east-1");
        assertThat(firing.get(0).value()).isEqualTo("20 min of data at risk (replication lag 30 s, newest restorable "
                + "point 20 min old)");
        assertThat(firing.get(0).threshold()).isEqualTo("RPO 15 min");
        assertThat(firing.get(1).value()).isEqualTo("drill drill-1 measured 66 min at " + NOW);
    }

    @Test
    void shouldFireForADegradedAndAFailedReplicationOfTheirTargetRegion() {
        replication = Optional.of(new ReplicationReport("us-east-1", "last-write-wins", NOW, "host", List.of(
                new ReplicationReport.Target("us-west-2", ReplicationHealth.FAILED, NOW, 400, Map.of(), 0, List.of(
                        store("mongodb", ReplicationHealth.DEGRADED, 90, null),
                        store("redis", ReplicationHealth.FAILED, 400, "connection refused"),
                        store("influxdb", ReplicationHealth.HEALTHY, 1, null))))));

        List<Firing> firing = evaluate().firing();

        assertThat(firing).extracting(Firing::key, Firing::threshold).containsExactly(
                tuple("DrReplicationDegraded/mongodb/us-west-2", "degraded at a lag of 60 s"),
                tuple("DrReplicationFailed/redis/us-west-2",
                        "failed at a lag of 5 min or on errors"));
        assertThat(firing.get(1).value()).isEqualTo("lag 6 min, streaming; last error at " + NOW + ": connection refused");
    }

    @Test
    void shouldFireOncePerStoreAndRegionForConflictsOpenTooLong() {
        conflicts.add(conflict("c1", NOW.minus(Duration.ofHours(30))));
        conflicts.add(conflict("c2", NOW.minus(Duration.ofHours(25))));
        conflicts.add(conflict("c3", NOW.minus(Duration.ofHours(1))));

        List<Firing> firing = evaluate().firing();

        assertThat(firing).extracting(Firing::key).containsExactly("DrConflictsOpenTooLong/mongodb/us-west-2");
        assertThat(firing.get(0).value()).isEqualTo("2 open, the oldest c1 since " + NOW.minus(Duration.ofHours(30)));
    }

    @Test
    void shouldFireWhenTheLatestDrillOfATypeFailedButNotWhileOneRuns() {
        drills.put(DrillType.BACKUP, drill("d1", NOW, false, "restore of mongodb did not match"));
        drills.put(DrillType.FAILOVER, drill("d2", null, false, null));
        drills.put(DrillType.REPLICATION, drill("d3", NOW, true, null));

        List<Firing> firing = evaluate().firing();

        assertThat(firing).extracting(Firing::key).containsExactly("DrDrillFailed/backup");
        assertThat(firing.get(0).value()).isEqualTo("drill d1 failed at " + NOW + ": restore of mongodb did not match");
    }

    @Test
    void shouldReportTheRulesOfAnUnreadableSourceAsUnknownAndSkipDisabledOnes() {
        catalogDown = new IllegalStateException("bucket unreachable");
        backups.put(StoreKind.MONGODB, List.of());
        drills.put(DrillType.BACKUP, drill("d1", NOW, false, null));
        config = new AlertsConfig(Duration.ofMinutes(1), Duration.ofHours(4), Duration.ofHours(26), Duration.ofHours(24),
                Set.of(AlertRule.DRILL_FAILED));

        AlertBook.Evaluation evaluation = evaluate();

        assertThat(evaluation.unknown()).containsExactlyInAnyOrder(AlertRule.BACKUP_FAILED, AlertRule.BACKUP_MISSING);
        assertThat(evaluation.firing()).isEmpty();
    }

    private AlertBook.Evaluation evaluate() {
        return new AlertRules(config, Optional.of(new ReplicationConfig.Health(Duration.ofSeconds(60), Duration.ofMinutes(5))),
                new Sources(), clock).evaluate();
    }

    private final class Sources implements AlertSources {

        @Override
        public String activeRegion() {
            return "us-east-1";
        }

        @Override
        public List<StoreKind> stores() {
            return List.copyOf(backups.keySet());
        }

        @Override
        public List<BackupRecord> backups(StoreKind store) {
            if (catalogDown != null) {
                throw catalogDown;
            }
            return backups.get(store);
        }

        @Override
        public List<RecoveryObjectives.StoreObjectives> objectives() {
            return objectives;
        }

        @Override
        public Optional<ReplicationReport> replication() {
            return replication;
        }

        @Override
        public List<Conflict> openConflicts() {
            return conflicts;
        }

        @Override
        public Optional<DrillResult> newestDrill(DrillType type) {
            return Optional.ofNullable(drills.get(type));
        }
    }

    private static BackupRecord backup(String id, BackupStatus status, Instant at) {
        return new BackupRecord(id, "full", "mongodb", "us-east-1", status, "schedule", at.minusSeconds(5),
                status == BackupStatus.INCOMPLETE ? null : at, null, 5000L, null, null, null, null, null, null, null,
                status == BackupStatus.FAILED ? "mongodb in us-east-1 cannot be reached" : null, null);
    }

    private static ReplicationReport.Store store(String store, ReplicationHealth health, double lag, String error) {
        return new ReplicationReport.Store(store, "streaming", health, true, lag, 0, 0, 0, 0, 0, 0, NOW,
                error, error == null ? null : NOW, null);
    }

    private static Conflict conflict(String id, Instant detectedAt) {
        return new Conflict(id, "mongodb", "us-east-1", "us-west-2", null, "manual", Conflict.Status.OPEN, detectedAt,
                null, null, null, null, null, null, null, 0);
    }

    private static DrillResult drill(String id, Instant endedAt, boolean passed, String failure) {
        return new DrillResult(id, DrillType.BACKUP, "suite", "schedule", "schedule", endedAt == null ? "running"
                : passed ? "passed" : "failed", NOW.minusSeconds(60), endedAt, passed, Map.of(), List.of(), List.of(), failure);
    }
}
