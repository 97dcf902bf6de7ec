package io.devflow.dr.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.devflow.dr.archive.Manifest;

import java.time.Instant;

/**
 * A backup as the catalog knows it: what {@code dr backups list} shows and what {@code dr backup --output json}
 * prints.
 *
 * @param location the backup's folder, {@code s3://bucket/prefix/store/yyyy/mm/dd/id/}
 * @param verification {@code <level>: <result>} of the last verification, when known
 * @param coveredUntil the instant up to which this backup (with its chain) can restore
 */
public record BackupRecord(
        String id,
        String type,
        String store,
        String region,
        BackupStatus status,
        String trigger,
        Instant startedAt,
        Instant completedAt,
        Instant coveredUntil,
        Long durationMs,
        Long size,
        Long items,
        Integer sections,
        String parent,
        String verification,
        String keyId,
        String location,
        String error,
        @JsonIgnore Manifest manifest) {

    public static BackupRecord completed(Manifest m, String location, String verification) {
        return new BackupRecord(m.id(), m.type(), m.store(), m.region(), BackupStatus.COMPLETED, m.trigger(),
                m.startedAt(), m.completedAt(), m.coveredUntil(), m.durationMillis(), m.object().size(), m.items(),
                m.sections().size(), m.parent(), verification, m.encryption().keyId(), location, null, m);
    }

    /**
     * A backup whose manifest's seal cannot be checked now: shown with what its manifest says, but not counted
     * as completed.
     */
    public static BackupRecord unverified(Manifest m, String location, String verification, String reason) {
        return new BackupRecord(m.id(), m.type(), m.store(), m.region(), BackupStatus.UNVERIFIED, m.trigger(),
                m.startedAt(), m.completedAt(), m.coveredUntil(), m.durationMillis(), m.object().size(), m.items(),
                m.sections().size(), m.parent(), verification, m.encryption().keyId(), location, reason, m);
    }

    public BackupRecord withVerification(String last) {
        return new BackupRecord(id, type, store, region, status, trigger, startedAt, completedAt, coveredUntil,
                durationMs, size, items, sections, parent, last, keyId, location, error, manifest);
    }

    /** This record with a problem noted, such as a verification record that was ignored. */
    public BackupRecord withError(String note) {
        return new BackupRecord(id, type, store, region, status, trigger, startedAt, completedAt, coveredUntil,
                durationMs, size, items, sections, parent, verification, keyId, location, note, manifest);
    }

    public boolean isCompleted() {
        return status == BackupStatus.COMPLETED;
    }
}
