package io.devflow.dr.backup;

import io.devflow.dr.archive.ArchiveFormat;
import io.devflow.dr.archive.ArchiveWriter;
import io.devflow.dr.archive.FramingInputStream;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.archive.ObjectHeader;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.BackupConfig;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.metrics.DrMetrics;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.verification.BackupVerifier;

import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The steps of the backup route ({@code routes/backup/store-backup.camel.yaml}), one method per step.
 * Each step takes the job and what the previous step produced. The stream steps are lazy: nothing is read
 * from the database until {@link #upload} pulls, so extraction, compression, encryption and upload run as
 * one stream with bounded memory.
 */
public final class BackupPipeline {

    private final RegionDirectory regions;
    private final BackupConfig config;
    private final StoreRegistry stores;
    private final BackupCatalog catalog;
    private final KeyProvider keys;
    private final BackupVerifier verifier;
    private final DrMetrics metrics;
    private final RunningBackups running;
    private final Clock clock;

    public BackupPipeline(RegionDirectory regions, StoreRegistry stores, BackupCatalog catalog, KeyProvider keys,
                          BackupVerifier verifier, DrMetrics metrics, RunningBackups running, Clock clock) {
        this.regions = regions;
        this.config = regions.config().backup();
        this.stores = stores;
        this.catalog = catalog;
        this.keys = keys;
        this.verifier = verifier;
        this.metrics = metrics;
        this.running = running;
        this.clock = clock;
    }

    /**
     * Checks the request against the configuration, finds the backup an incremental continues from, and
     * allocates the backup's id.
     */
    public BackupJob plan(BackupRequest request) {
        RegionContext region = regions.get(request.region());
        StoreOperations store = stores.get(request.store());
        if (!store.isConfigured(region.config())) {
            throw new InvalidRequestException("region " + region.id() + " has no " + request.store()
                    + " configured (disasterRecovery.regions." + region.id() + "." + request.store() + ")");
        }
        Manifest parent = null;
        if (request.type() == BackupType.INCREMENTAL) {
            if (!store.supportsIncremental()) {
                throw new InvalidRequestException(request.store() + " backups are always full snapshots; use --type full");
            }
            parent = parentOf(request, region);
        }
        Instant now = clock.instant();
        BackupJob job = new BackupJob(BackupId.generate(request.type(), now), request, region, now, parent);
        running.add(job);
        return job;
    }

    /**
     * An incremental continues the newest incremental when that one is not older than the newest full
     * backup, so the chain of increments stays unbroken across full backups; otherwise (no increments yet,
     * or capture was stopped for longer than a full backup interval) it starts a new chain at the full backup.
     */
    private Manifest parentOf(BackupRequest request, RegionContext region) {
        List<BackupRecord> completed = catalog.completed(request.store(), region);
        Optional<BackupRecord> full = completed.stream().filter(r -> BackupType.FULL.id().equals(r.type())).findFirst();
        Optional<BackupRecord> increment = completed.stream().filter(r -> BackupType.INCREMENTAL.id().equals(r.type())).findFirst();
        if (full.isEmpty()) {
            throw new InvalidRequestException("no completed full " + request.store() + " backup in " + region.id()
                    + " to continue from; run 'dr backup --type full --store " + request.store() + "' first");
        }
        if (increment.isPresent() && !increment.get().completedAt().isBefore(full.get().startedAt())) {
            return increment.get().manifest();
        }
        return full.get().manifest();
    }

    /** Opens the store's extraction. Starts a new attempt: a retry begins here. */
    public RecordSource extract(BackupJob job) {
        job.beginAttempt();
        job.progress().restart("extracting");
        StoreOperations store = stores.get(job.store());
        StoreOperations.Extraction extraction = job.parent() == null
                ? store.full(job.region(), job.startedAt())
                : store.incremental(job.region(), job.parent(), job.startedAt(), job.request().until());
        job.extraction(extraction);
        return extraction.source();
    }

    public FramingInputStream frame(BackupJob job, RecordSource source) {
        FramingInputStream framing = ArchiveWriter.frame(source, job.progress());
        job.framing(framing);
        return framing;
    }

    public InputStream compress(BackupJob job, InputStream framed) {
        return ArchiveWriter.compress(framed, config.compressionLevel());
    }

    /** Encrypts under a fresh data key, wrapped by the key provider; the header binds id, store and region. */
    public InputStream encrypt(BackupJob job, InputStream compressed) throws GeneralSecurityException {
        DataKey key = keys.newDataKey(job.keyContext());
        job.dataKey(key);
        ObjectHeader header = new ObjectHeader(ArchiveFormat.VERSION, job.id().value(), job.store().id(),
                job.region().id().value(), job.startedAt().toString(), ArchiveFormat.COMPRESSION,
                ArchiveFormat.ENCRYPTION, key.wrapped().provider(), key.wrapped().keyId());
        return ArchiveWriter.encrypt(compressed, header, key.streamingAead());
    }

    /** Streams the archive to the region's bucket; this is where the whole pipeline actually runs. */
    public ObjectStore.UploadResult upload(BackupJob job, InputStream encrypted) {
        ObjectStore.UploadResult result;
        try (InputStream in = encrypted) {
            result = job.region().objectStore().upload(job.dataObjectKey(), in, config.partSizeMiB() * 1024 * 1024);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("closing the extraction of " + job.id() + " failed", e);
        }
        if (!job.framing().isComplete()) {
            throw new IllegalStateException("backup " + job.id() + ": the upload finished before the extraction did");
        }
        job.upload(result);
        job.candidate(ManifestCodec.seal(manifest(job, null), job.dataKey()));
        return result;
    }

    /** Reads the uploaded object back at the configured depth before anything is committed. */
    public VerificationRecord verify(BackupJob job) {
        VerifyLevel level = config.verify();
        if (level == VerifyLevel.RESTORE && (job.parent() != null || !stores.get(job.store()).supportsScratchRestore(job.region().config()))) {
            // An increment restores only on top of its chain, and some stores have no scratch databases.
            level = VerifyLevel.FULL;
        }
        VerificationRecord record = verifier.verify(job.region(), job.candidate(), level, job.progress());
        job.verification(record);
        return record;
    }

    /** The sealed manifest, as the bytes the commit step writes to {@link BackupJob#manifestKey()}. */
    public byte[] manifest(BackupJob job) {
        VerificationRecord v = job.verification();
        Manifest sealed = ManifestCodec.seal(manifest(job, new Manifest.Verification(v.level(),
                v.passed() ? "passed" : "failed", v.verifiedAt())), job.dataKey());
        job.manifest(sealed);
        job.progress().phase("committing");
        return ManifestCodec.write(sealed);
    }

    /** After the commit: metrics, and the record returned to whoever asked for the backup. */
    public BackupRecord completed(BackupJob job) {
        Manifest m = job.manifest();
        job.release();
        running.remove(job);
        job.progress().phase("completed");
        metrics.backupCompleted(m.store(), m.type(), m.region(), Duration.ofMillis(m.durationMillis()),
                m.object().size(), m.completedAt());
        return BackupRecord.completed(m, "s3://" + job.bucket() + "/" + job.folder(),
                m.verification().level() + ": " + m.verification().result());
    }

    private Manifest manifest(BackupJob job, Manifest.Verification verification) {
        ObjectStore.UploadResult upload = job.upload();
        var summary = job.framing().summary();
        StoreOperations.Extraction extraction = job.extraction();
        return new Manifest(ArchiveFormat.VERSION, job.id().value(), job.request().type().id(), job.store().id(),
                job.region().id().value(), job.request().trigger(), job.startedAt(),
                verification == null ? job.startedAt() : clock.instant(),
                job.parent() == null ? null : job.parent().id(),
                extraction.coveredUntil().get(),
                new Manifest.Positions(extraction.start(), extraction.end().get()),
                extraction.description(),
                new Manifest.StoredObject(upload.key(), upload.size(), upload.sha256(), upload.parts()),
                new Manifest.Encryption(ArchiveFormat.ENCRYPTION, job.dataKey().wrapped().provider(),
                        job.dataKey().wrapped().keyId(), job.dataKey().wrapped().ciphertext()),
                new Manifest.Compression(ArchiveFormat.COMPRESSION, config.compressionLevel()),
                summary.items(), summary.bytes(),
                summary.sections().stream().map(Manifest.Section::of).toList(),
                verification, null);
    }
}
