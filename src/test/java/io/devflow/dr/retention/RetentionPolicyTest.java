package io.devflow.dr.retention;

import io.devflow.dr.archive.ArchiveFormat;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RetentionConfig;
import io.devflow.dr.store.mongodb.MongoOperations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention over a generated 400-day history: a full backup every day at 02:00 UTC and an increment every
 * hour, chained without gaps (MongoDB-style change positions). Each row says which full backups survive.
 */
class RetentionPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final LocalDate FIRST_DAY = LocalDate.parse("2026-11-25").minusDays(399);

    static Stream<Arguments> policies() {
        return Stream.of(
                Arguments.of(new RetentionConfig(7, 4, 12), Set.of(), days(
                        "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25",
                        "2026-11-15", "2026-11-08",
                        "2026-10-31", "2026-09-30", "2026-08-31", "2026-07-31", "2026-06-30", "2026-05-31",
                        "2026-04-30", "2026-03-31", "2026-02-28", "2026-01-31", "2025-12-31")),
                Arguments.of(new RetentionConfig(3, 2, 2), Set.of(), days(
                        "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-22", "2026-10-31")),
                // yesterday's full backup stays whatever the counts: the last 24 hours of increments replay over it
                Arguments.of(new RetentionConfig(1, 0, 0), Set.of(), days("2026-11-25", "2026-11-24")),
                Arguments.of(new RetentionConfig(0, 0, 0), Set.of(), days("2026-11-25", "2026-11-24")),
                // days without a full backup are not counted: the newest 7 days that have one
                Arguments.of(new RetentionConfig(7, 0, 0), days("2026-11-20", "2026-11-21"), days(
                        "2026-11-25", "2026-11-24", "2026-11-23", "2026-11-22", "2026-11-19", "2026-11-18", "2026-11-17")),
                // a month whose last full is missing keeps its newest remaining one
                Arguments.of(new RetentionConfig(0, 0, 3), days("2026-10-31", "2026-10-30"), days(
                        "2026-11-25", "2026-11-24", "2026-10-29", "2026-09-30")));
    }

    @ParameterizedTest
    @MethodSource("policies")
    void shouldKeepExactlyTheExpectedFullBackupsAndUnbrokenChains(RetentionConfig config, Set<LocalDate> missing,
                                                                 Set<LocalDate> expected) {
        List<BackupRecord> history = history(missing);

        List<RetentionPolicy.Decision> decisions = policy(config).decide(history, NOW);

        Set<LocalDate> keptFulls = decisions.stream().filter(RetentionPolicy.Decision::keep)
                .filter(d -> d.backup().type().equals("full"))
                .map(d -> d.backup().startedAt().atZone(ZoneOffset.UTC).toLocalDate())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(keptFulls).isEqualTo(new TreeSet<>(expected.stream().filter(d -> !missing.contains(d)).toList()));
        assertChainsUnbroken(decisions);
    }

    @Test
    void shouldKeepTheLastDaysIncrementsAndTheChainTheyReplayOver() {
        List<RetentionPolicy.Decision> decisions = policy(new RetentionConfig(7, 4, 12)).decide(history(Set.of()), NOW);

        List<RetentionPolicy.Decision> increments = decisions.stream().filter(RetentionPolicy.Decision::keep)
                .filter(d -> d.backup().type().equals("incremental")).toList();
        // the last 24 hours (12:00 yesterday to 11:00 today) and the increments since yesterday's 02:00 full backup
        assertThat(increments).hasSize(34);
        assertThat(increments).extracting(d -> d.backup().startedAt())
                .allMatch(t -> !t.isBefore(Instant.parse("2026-11-24T02:00:00Z")));
        assertThat(increments).filteredOn(d -> d.backup().startedAt().isBefore(Instant.parse("2026-11-24T11:00:00Z")))
                .extracting(RetentionPolicy.Decision::reason).allMatch(r -> r.contains("depends on it"));
    }

    @Test
    void shouldRemoveOldFailuresAndAbandonedBackupsButNotRecentOnes() {
        List<BackupRecord> history = new ArrayList<>(history(Set.of()));
        history.add(other("backup-full-20261122-020000-failed", BackupStatus.FAILED, Instant.parse("2026-11-22T02:00:00Z")));
        history.add(other("backup-full-20261125-110000-failed", BackupStatus.FAILED, Instant.parse("2026-11-25T11:00:00Z")));
        history.add(other("backup-full-20261123-020000-partly", BackupStatus.INCOMPLETE, Instant.parse("2026-11-23T02:00:00Z")));
        history.add(other("backup-full-20261125-100000-partly", BackupStatus.INCOMPLETE, Instant.parse("2026-11-25T10:00:00Z")));
        history.add(other("backup-full-20250101-020000-broken", BackupStatus.DAMAGED, Instant.parse("2025-01-01T02:00:00Z")));

        Map<String, RetentionPolicy.Decision> decisions = policy(new RetentionConfig(7, 4, 12)).decide(history, NOW).stream()
                .collect(Collectors.toMap(d -> d.backup().id(), d -> d));

        assertThat(decisions.get("backup-full-20261122-020000-failed").keep()).isFalse();
        assertThat(decisions.get("backup-full-20261125-110000-failed").keep()).isTrue();
        assertThat(decisions.get("backup-full-20261123-020000-partly").reason()).isEqualTo("never completed (abandoned)");
        assertThat(decisions.get("backup-full-20261125-100000-partly").reason()).isEqualTo("may still be running");
        assertThat(decisions.get("backup-full-20250101-020000-broken").keep()).as("a damaged manifest is never deleted").isTrue();
        assertThat(decisions.get("backup-full-20250101-020000-broken").reason()).startsWith("manifest damaged: kept for an operator");
    }

    @Test
    void shouldDeleteNoCompletedBackupWhileOneCannotBeVerified() {
        List<BackupRecord> history = new ArrayList<>(history(Set.of()));
        BackupRecord newest = history.stream().filter(b -> b.type().equals("full")).reduce((a, b) -> b).orElseThrow();
        history.remove(newest);
        history.add(BackupRecord.unverified(newest.manifest(), newest.location(), newest.verification(),
                "backup " + newest.id() + ": its seal cannot be checked now: KMS is unreachable"));
        history.add(other("backup-full-20261122-020000-failed", BackupStatus.FAILED, Instant.parse("2026-11-22T02:00:00Z")));

        List<RetentionPolicy.Decision> decisions = policy(new RetentionConfig(1, 0, 0)).decide(history, NOW);

        assertThat(decisions).filteredOn(d -> !d.keep()).extracting(d -> d.backup().id())
                .containsExactly("backup-full-20261122-020000-failed");
        assertThat(decisions).filteredOn(d -> d.backup().id().equals(newest.id())).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("seal not verifiable now").contains("KMS is unreachable"));
        assertThat(decisions).filteredOn(d -> d.backup().startedAt().isBefore(Instant.parse("2026-01-01T00:00:00Z")))
                .isNotEmpty().allSatisfy(d -> assertThat(d.reason()).contains("cannot be verified now"));
    }

    /** Every kept increment reaches a kept full backup through kept increments only. */
    private static void assertChainsUnbroken(List<RetentionPolicy.Decision> decisions) {
        Map<String, BackupRecord> kept = decisions.stream().filter(RetentionPolicy.Decision::keep)
                .collect(Collectors.toMap(d -> d.backup().id(), RetentionPolicy.Decision::backup));
        MongoOperations mongo = new MongoOperations(Clock.systemUTC(), region -> false);
        for (BackupRecord increment : kept.values()) {
            if (!increment.type().equals("incremental")) {
                continue;
            }
            BackupRecord base = kept.values().stream().filter(b -> b.type().equals("full"))
                    .filter(b -> !b.completedAt().isAfter(increment.manifest().coveredUntil()))
                    .max(java.util.Comparator.comparing(BackupRecord::completedAt)).orElseThrow(() ->
                            new AssertionError("no kept full backup under " + increment.id()));
            Manifest current = increment.manifest();
            while (!mongo.continuesFrom(current, base.manifest())) {
                BackupRecord parent = kept.get(current.parent());
                assertThat(parent).as("the chain of " + increment.id() + " lost " + current.parent()).isNotNull();
                current = parent.manifest();
            }
        }
    }

    private static RetentionPolicy policy(RetentionConfig config) {
        return new RetentionPolicy(config, new MongoOperations(Clock.systemUTC(), region -> false));
    }

    /** 400 days of daily full backups at 02:00 and hourly increments, up to NOW. */
    private static List<BackupRecord> history(Set<LocalDate> missingFulls) {
        List<BackupRecord> records = new ArrayList<>();
        String parent = null;
        for (Instant hour = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant(); hour.isBefore(NOW.minus(Duration.ofMinutes(59)));
             hour = hour.plus(Duration.ofHours(1))) {
            LocalDate day = hour.atZone(ZoneOffset.UTC).toLocalDate();
            if (hour.atZone(ZoneOffset.UTC).getHour() == 2 && !missingFulls.contains(day)) {
                records.add(full(hour));
                if (parent == null) {
                    parent = records.get(records.size() - 1).id();
                }
            }
            if (parent != null) {
                BackupRecord increment = increment(hour, parent);
                records.add(increment);
                parent = increment.id();
            }
        }
        return records;
    }

    private static BackupRecord full(Instant start) {
        String id = BackupId.generate(BackupType.FULL, start).value();
        Manifest m = manifest(id, "full", start, start.plus(Duration.ofMinutes(5)), null, start.plus(Duration.ofMinutes(5)),
                Map.of("*", position(start)), Map.of());
        return BackupRecord.completed(m, "s3://test/" + id, "full: passed");
    }

    private static BackupRecord increment(Instant hour, String parent) {
        String id = BackupId.generate(BackupType.INCREMENTAL, hour).value();
        Instant end = hour.plus(Duration.ofHours(1));
        Manifest m = manifest(id, "incremental", hour, end.plus(Duration.ofMinutes(1)), parent, end,
                Map.of("*", position(hour)), Map.of("*", position(end)));
        return BackupRecord.completed(m, "s3://test/" + id, "full: passed");
    }

    private static String position(Instant t) {
        return t.getEpochSecond() + ".1";
    }

    private static Manifest manifest(String id, String type, Instant started, Instant completed, String parent,
                                     Instant coveredUntil, Map<String, String> start, Map<String, String> end) {
        return new Manifest(ArchiveFormat.VERSION, id, type, "mongodb", "us-east-1", "schedule", started, completed, parent,
                coveredUntil, new Manifest.Positions(start, end), Map.of("databases", "devflow"),
                new Manifest.StoredObject("k", 1, "00", 1), new Manifest.Encryption(ArchiveFormat.ENCRYPTION, "local", "k", "w"),
                new Manifest.Compression("zstd", 3), 0, 0, List.of(), null, "seal");
    }

    private static BackupRecord other(String id, BackupStatus status, Instant started) {
        return new BackupRecord(id, "full", "mongodb", "us-east-1", status, null, started, null, null, null, null, null, null,
                null, null, null, "s3://test/" + id, "reason", null);
    }

    private static Set<LocalDate> days(String... days) {
        return Stream.of(days).map(LocalDate::parse).collect(Collectors.toSet());
    }
}
