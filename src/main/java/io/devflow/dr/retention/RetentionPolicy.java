package io.devflow.dr.retention;

import io.devflow.dr.archive.Manifest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.RetentionConfig;
import io.devflow.dr.store.StoreOperations;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Grandfather-father-son retention for the backups of one store in one region:
 * <ul>
 *   <li>full backups: the newest of each of the newest {@code daily} days, {@code weekly} ISO weeks and
 *       {@code monthly} months that have one (UTC), and always the newest full backup;</li>
 *   <li>increments completed within the last 24 hours, and everything a kept increment depends on: the
 *       chain back to the full backup it replays over, and that full backup;</li>
 *   <li>failed and incomplete backups are removed once they are 24 hours old (younger incomplete ones may
 *       still be running).</li>
 * </ul>
 * Damaged backups are kept and count for nothing. While any backup's seal cannot be checked (KMS unreachable),
 * no completed backup is deleted: the unverified one may be a chain's link or the newest of its period, and
 * what depends on it cannot be told.
 * Periods are counted among those that have a backup, so a stalled schedule never ages every backup out.
 */
public final class RetentionPolicy {

    static final Duration INCREMENT_WINDOW = Duration.ofHours(24);
    static final Duration ABANDONED_AFTER = Duration.ofHours(24);

    private final RetentionConfig config;
    private final StoreOperations store;

    public RetentionPolicy(RetentionConfig config, StoreOperations store) {
        this.config = config;
        this.store = store;
    }

    /** What happens to one backup, and why. */
    public record Decision(BackupRecord backup, boolean keep, String reason) {
    }

    public List<Decision> decide(List<BackupRecord> backups, Instant now) {
        Map<String, String> kept = new LinkedHashMap<>();
        List<BackupRecord> fulls = completed(backups, "full");
        List<BackupRecord> increments = completed(backups, "incremental");

        if (!fulls.isEmpty()) {
            kept.put(fulls.get(0).id(), "newest full backup");
        }
        keepNewestPerPeriod(fulls, config.daily(), b -> day(b).toString(), "daily", kept);
        keepNewestPerPeriod(fulls, config.weekly(), b -> week(b), "weekly", kept);
        keepNewestPerPeriod(fulls, config.monthly(), b -> YearMonth.from(day(b)).toString(), "monthly", kept);

        Map<String, BackupRecord> byId = new LinkedHashMap<>();
        backups.forEach(b -> byId.put(b.id(), b));
        for (BackupRecord increment : increments) {
            if (increment.completedAt().isAfter(now.minus(INCREMENT_WINDOW))) {
                kept.putIfAbsent(increment.id(), "increment of the last 24 hours");
                keepChain(increment, fulls, byId, kept);
            }
        }

        long unverified = backups.stream().filter(b -> b.status() == BackupStatus.UNVERIFIED).count();
        List<Decision> decisions = new ArrayList<>();
        for (BackupRecord backup : backups) {
            String reason = kept.get(backup.id());
            if (reason != null) {
                decisions.add(new Decision(backup, true, reason));
            } else if (backup.status() == BackupStatus.UNVERIFIED) {
                decisions.add(new Decision(backup, true, "seal not verifiable now: kept until it can be checked ("
                        + backup.error() + ")"));
            } else if (backup.isCompleted() && unverified > 0) {
                decisions.add(new Decision(backup, true, unverified + " backup(s) of this store and region cannot be "
                        + "verified now: nothing that may depend on them is deleted until they can be"));
            } else if (backup.status() == BackupStatus.DAMAGED) {
                decisions.add(new Decision(backup, true, "manifest damaged: kept for an operator to look at (" + backup.error() + ")"));
            } else if (backup.status() == BackupStatus.FAILED) {
                boolean old = backup.startedAt().isBefore(now.minus(ABANDONED_AFTER));
                decisions.add(new Decision(backup, !old, old ? "failed more than 24 hours ago" : "failed recently (kept to be seen)"));
            } else if (backup.status() == BackupStatus.INCOMPLETE || backup.status() == BackupStatus.RUNNING) {
                boolean old = backup.startedAt().isBefore(now.minus(ABANDONED_AFTER));
                decisions.add(new Decision(backup, !old, old ? "never completed (abandoned)" : "may still be running"));
            } else {
                decisions.add(new Decision(backup, false, "full".equals(backup.type())
                        ? "beyond the daily, weekly and monthly retention" : "increment older than 24 hours"));
            }
        }
        return decisions;
    }

    /** Keeps the chain a kept increment replays over: its parents back to its full backup, and that full backup. */
    private void keepChain(BackupRecord increment, List<BackupRecord> fulls, Map<String, BackupRecord> byId,
                           Map<String, String> kept) {
        Manifest target = increment.manifest();
        Optional<BackupRecord> base = fulls.stream()
                .filter(f -> !f.completedAt().isAfter(target.coveredUntil()))
                .findFirst();
        if (base.isEmpty()) {
            return;
        }
        Manifest full = base.get().manifest();
        String because = "increment " + increment.id() + " depends on it";
        Manifest current = target;
        Set<String> seen = new LinkedHashSet<>();
        while (current != null && seen.add(current.id())) {
            kept.putIfAbsent(current.id(), because);
            if (store.continuesFrom(current, full)) {
                kept.putIfAbsent(full.id(), because);
                return;
            }
            BackupRecord parent = current.parent() == null ? null : byId.get(current.parent());
            current = parent == null || !parent.isCompleted() ? null : parent.manifest();
        }
    }

    private static void keepNewestPerPeriod(List<BackupRecord> fulls, int periods, Function<BackupRecord, String> period,
                                            String label, Map<String, String> kept) {
        Map<String, BackupRecord> newestOfPeriod = new LinkedHashMap<>();
        for (BackupRecord full : fulls) {
            if (newestOfPeriod.size() >= periods && !newestOfPeriod.containsKey(period.apply(full))) {
                break;
            }
            newestOfPeriod.putIfAbsent(period.apply(full), full);
        }
        newestOfPeriod.forEach((p, full) -> kept.putIfAbsent(full.id(), label + " (" + p + ")"));
    }

    /** Completed backups of one type, newest first. */
    private static List<BackupRecord> completed(List<BackupRecord> backups, String type) {
        return backups.stream().filter(b -> b.isCompleted() && type.equals(b.type()))
                .sorted(Comparator.comparing(BackupRecord::startedAt).reversed()).toList();
    }

    private static LocalDate day(BackupRecord backup) {
        return backup.startedAt().atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static String week(BackupRecord backup) {
        LocalDate day = day(backup);
        return day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
