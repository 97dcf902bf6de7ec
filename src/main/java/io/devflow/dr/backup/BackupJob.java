package io.devflow.dr.backup;

import io.devflow.dr.archive.FramingInputStream;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyContext;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.store.StoreOperations;

import java.time.Instant;

/**
 * One backup while it runs, passed from step to step of the pipeline route. A failed attempt is retried
 * with the same id; {@link #beginAttempt()} drops whatever the previous attempt produced.
 */
public final class BackupJob {

    private final BackupId id;
    private final BackupRequest request;
    private final RegionContext region;
    private final Instant startedAt;
    private final Manifest parent;
    private int attempts;
    private StoreOperations.Extraction extraction;
    private DataKey dataKey;
    private FramingInputStream framing;
    private ObjectStore.UploadResult upload;
    private Manifest candidate;
    private VerificationRecord verification;
    private Manifest manifest;

    BackupJob(BackupId id, BackupRequest request, RegionContext region, Instant startedAt, Manifest parent) {
        this.id = id;
        this.request = request;
        this.region = region;
        this.startedAt = startedAt;
        this.parent = parent;
    }

    /** The backup an incremental continues from; null for a full backup. */
    public Manifest parent() {
        return parent;
    }

    public BackupId id() {
        return id;
    }

    public BackupRequest request() {
        return request;
    }

    public StoreKind store() {
        return request.store();
    }

    public RegionContext region() {
        return region;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Progress progress() {
        return request.progress();
    }

    public int attempts() {
        return attempts;
    }

    public KeyContext keyContext() {
        return new KeyContext(id.value(), store().id(), region.id().value());
    }

    /** The bucket of the region the backup is written to; used by the route's aws2-s3 endpoint. */
    public String bucket() {
        return region.config().storage().bucket();
    }

    public String folder() {
        return ObjectLayout.of(region).backupFolder(store(), id);
    }

    public String dataObjectKey() {
        return ObjectLayout.of(region).data(store(), id);
    }

    /** The manifest's object key; writing it commits the backup. */
    public String manifestKey() {
        return ObjectLayout.of(region).manifest(store(), id);
    }

    void beginAttempt() {
        release();
        attempts++;
        extraction = null;
        framing = null;
        upload = null;
        candidate = null;
        verification = null;
        manifest = null;
    }

    void extraction(StoreOperations.Extraction extraction) {
        this.extraction = extraction;
    }

    StoreOperations.Extraction extraction() {
        return extraction;
    }

    void dataKey(DataKey key) {
        this.dataKey = key;
    }

    DataKey dataKey() {
        return dataKey;
    }

    void framing(FramingInputStream framing) {
        this.framing = framing;
    }

    FramingInputStream framing() {
        return framing;
    }

    void upload(ObjectStore.UploadResult upload) {
        this.upload = upload;
    }

    ObjectStore.UploadResult upload() {
        return upload;
    }

    void candidate(Manifest candidate) {
        this.candidate = candidate;
    }

    Manifest candidate() {
        return candidate;
    }

    void verification(VerificationRecord verification) {
        this.verification = verification;
    }

    VerificationRecord verification() {
        return verification;
    }

    void manifest(Manifest manifest) {
        this.manifest = manifest;
    }

    Manifest manifest() {
        return manifest;
    }

    /** Forgets the cleartext data key; called when the backup ends either way. */
    void release() {
        if (dataKey != null) {
            dataKey.close();
            dataKey = null;
        }
    }

    @Override
    public String toString() {
        return id.value();
    }
}
