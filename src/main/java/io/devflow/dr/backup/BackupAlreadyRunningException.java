package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.support.StateConflictException;

/**
 * A backup of a store and region while another one of them runs in this process: refused (HTTP 409, exit code 2),
 * naming the one that runs. Two backups of one store would read it twice at once for nothing.
 */
public final class BackupAlreadyRunningException extends StateConflictException {

    private final BackupId running;

    BackupAlreadyRunningException(PlannedBackup running) {
        super("a backup of " + running.store().id() + " in " + running.region().id() + " is already running: "
                + running.id() + " (" + running.request().type().id() + ", started " + running.startedAt() + " by "
                + running.request().trigger() + "); wait for it to finish (GET /api/backups/" + running.id() + ")");
        this.running = running.id();
    }

    public BackupId running() {
        return running;
    }
}
