package io.devflow.dr.backup;

import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;

import java.time.Instant;

/**
 * A backup as planned before its first attempt: the exchange property {@code backup} of the backup routes,
 * set once and read by every step. A retry runs the same planned backup again, under the same id.
 *
 * @param parent the backup an incremental continues from; null for a full backup
 */
public record PlannedBackup(BackupId id, BackupRequest request, RegionContext region, Instant startedAt,
                            Manifest parent) {

    public StoreKind store() {
        return request.store();
    }

    public Progress progress() {
        return request.progress();
    }

    /** The bucket of the region the backup is written to; used by the route's aws2-s3 endpoint. */
    public String bucket() {
        return region.config().storage().bucket();
    }

    public String folder() {
        return ObjectLayout.of(region).backupFolder(store(), id);
    }

    /** {@code s3://bucket/folder}, as the backup's record shows it. */
    public String location() {
        return "s3://" + bucket() + "/" + folder();
    }

    public String dataObjectKey() {
        return ObjectLayout.of(region).data(store(), id);
    }

    /** The manifest's object key; writing it commits the backup. */
    public String manifestKey() {
        return ObjectLayout.of(region).manifest(store(), id);
    }

    @Override
    public String toString() {
        return id.value();
    }
}
