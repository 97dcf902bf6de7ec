package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Backups running in this process, so the API can report them before their manifest exists. */
public final class RunningBackups {

    private final Map<BackupId, BackupJob> jobs = new ConcurrentHashMap<>();

    void add(BackupJob job) {
        jobs.put(job.id(), job);
    }

    void remove(BackupJob job) {
        jobs.remove(job.id());
    }

    public Optional<BackupRecord> get(BackupId id) {
        return Optional.ofNullable(jobs.get(id)).map(RunningBackups::record);
    }

    public Collection<BackupRecord> all() {
        return jobs.values().stream().map(RunningBackups::record).toList();
    }

    private static BackupRecord record(BackupJob job) {
        return new BackupRecord(job.id().value(), job.request().type().id(), job.store().id(),
                job.region().id().value(), BackupStatus.RUNNING, job.request().trigger(), job.startedAt(), null, null, null,
                job.progress().bytes(), job.progress().items(), null, null, null, null,
                "s3://" + job.bucket() + "/" + job.folder(), null, null);
    }
}
