package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.DataKey;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backups running in this process, from planning until they complete or fail for good: the API reports them
 * before their manifest exists, and retention leaves their folders alone. It is also the one place that
 * keeps what a backup's attempts leave behind, so that it is released whichever way an attempt ends: how
 * many attempts there were, and the cleartext data key of the current one (closed when a retry abandons the
 * attempt, and when the backup ends).
 */
public final class RunningBackups {

    private final Map<BackupId, Run> runs = new ConcurrentHashMap<>();

    /**
     * Registers a backup that starts, unless another backup of the same store and region runs: capture segments,
     * which run all the time, are the exception both ways.
     *
     * @throws BackupAlreadyRunningException naming the backup that runs
     */
    synchronized void add(PlannedBackup backup) {
        if (!backup.request().isCapture()) {
            Optional<PlannedBackup> other = running(backup.store(), backup.region().id());
            if (other.isPresent()) {
                throw new BackupAlreadyRunningException(other.get());
            }
        }
        runs.put(backup.id(), new Run(backup));
    }

    /** The backup of a store and region that runs in this process, capture segments aside. */
    public Optional<PlannedBackup> running(StoreKind store, RegionId region) {
        return runs.values().stream().map(r -> r.backup)
                .filter(b -> !b.request().isCapture() && b.store() == store && b.region().id().equals(region))
                .findFirst();
    }

    /**
     * Starts an attempt at a running backup; the data key of the attempt before it, abandoned for this retry,
     * is closed.
     */
    void beginAttempt(PlannedBackup backup) {
        run(backup).beginAttempt();
    }

    /** Keeps the current attempt's data key so that it is closed when the attempt ends; returns it. */
    DataKey hold(PlannedBackup backup, DataKey key) {
        Run run = runs.get(backup.id());
        if (run == null) {
            key.close();
            throw new IllegalStateException("backup " + backup.id() + " is not running");
        }
        run.hold(key);
        return key;
    }

    /**
     * Ends a backup either way: closes its data key and forgets it.
     *
     * @return how many attempts it made; 0 when it failed before its first (a pre-flight check) or was not running
     */
    int finish(PlannedBackup backup) {
        Run run = runs.remove(backup.id());
        return run == null ? 0 : run.finish();
    }

    public Optional<BackupRecord> get(BackupId id) {
        return Optional.ofNullable(runs.get(id)).map(RunningBackups::record);
    }

    public Collection<BackupRecord> all() {
        return runs.values().stream().map(RunningBackups::record).toList();
    }

    private Run run(PlannedBackup backup) {
        Run run = runs.get(backup.id());
        if (run == null) {
            throw new IllegalStateException("backup " + backup.id() + " is not running");
        }
        return run;
    }

    private static BackupRecord record(Run run) {
        PlannedBackup backup = run.backup;
        return new BackupRecord(backup.id().value(), backup.request().type().id(), backup.store().id(),
                backup.region().id().value(), BackupStatus.RUNNING, backup.request().trigger(), backup.startedAt(), null,
                null, null, backup.progress().bytes(), backup.progress().items(), null, null, null, null,
                backup.location(), null, null);
    }

    /** One running backup: its attempts and the key its current attempt holds. */
    private static final class Run {

        private final PlannedBackup backup;
        private int attempts;
        private DataKey key;

        Run(PlannedBackup backup) {
            this.backup = backup;
        }

        synchronized void beginAttempt() {
            closeKey();
            attempts++;
        }

        synchronized void hold(DataKey current) {
            closeKey();
            key = current;
        }

        synchronized int finish() {
            closeKey();
            return attempts;
        }

        private void closeKey() {
            if (key != null) {
                key.close();
                key = null;
            }
        }
    }
}
