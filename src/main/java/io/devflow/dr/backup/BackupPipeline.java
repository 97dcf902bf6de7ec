package io.devflow.dr.backup;

import io.devflow.dr.archive.ArchiveFormat;
import io.devflow.dr.archive.ArchiveSummary;
import io.devflow.dr.archive.ArchiveWriter;
import io.devflow.dr.archive.FramingInputStream;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.archive.ObjectHeader;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupKeys;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.CatalogIndex;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.BackupConfig;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.crypto.WrappedKey;
import io.devflow.dr.metrics.DrMetrics;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.verification.BackupVerifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The steps of the backup routes ({@code routes/backup/backup.camel.yaml} plans, {@code store-backup.camel.yaml}
 * runs an attempt), one method per step. A step takes the planned backup and what the step before it returned,
 * and returns what the next one takes: nothing is handed on any other way. The stream steps are lazy: nothing
 * is read from the database until {@link #upload} pulls, so extraction, compression, encryption and upload
 * run as one stream with bounded memory.
 */
public final class BackupPipeline {

    /** The extraction's records as the archive's record stream; its summary is complete once the stream is read. */
    public record Framed(StoreOperations.Extraction extraction, FramingInputStream stream) {
    }

    public record Compressed(Framed framed, InputStream stream) {
    }

    /** The archive object's bytes under a fresh data key, which {@link RunningBackups} closes when the attempt ends. */
    public record Encrypted(Framed framed, DataKey key, InputStream stream) {
    }

    /** The stored data object and its manifest, sealed (verification checks the seal) but not yet verified. */
    public record Uploaded(Manifest manifest, DataKey key) {
    }

    /** An uploaded backup that passed verification. */
    public record Verified(Uploaded uploaded, Manifest.Verification verification) {
    }

    /** The manifest as it is committed: verified and sealed. */
    public record SealedManifest(Manifest manifest) {

        /** The bytes the commit step writes to {@link PlannedBackup#manifestKey()}. */
        public byte[] json() {
            return ManifestCodec.write(manifest);
        }
    }

    private final RegionDirectory regions;
    private final BackupConfig config;
    private final StoreRegistry stores;
    private final BackupCatalog catalog;
    private final KeyProvider keys;
    private final BackupKeys backupKeys;
    private final BackupVerifier verifier;
    private final DrMetrics metrics;
    private final RunningBackups running;
    private final Supplier<ActiveRegion> activeRegion;
    private final Clock clock;

    /** @param activeRegion the active region now: an incremental does not continue a chain from before a failover */
    public BackupPipeline(RegionDirectory regions, StoreRegistry stores, BackupCatalog catalog, KeyProvider keys,
                          BackupKeys backupKeys, BackupVerifier verifier, DrMetrics metrics, RunningBackups running,
                          Supplier<ActiveRegion> activeRegion, Clock clock) {
        this.regions = regions;
        this.config = regions.config().backup();
        this.stores = stores;
        this.catalog = catalog;
        this.keys = keys;
        this.backupKeys = backupKeys;
        this.verifier = verifier;
        this.metrics = metrics;
        this.running = running;
        this.activeRegion = activeRegion;
        this.clock = clock;
    }

    /**
     * Checks the request against the configuration, finds the backup an incremental continues from, and
     * allocates the backup's id. From here until {@link #completed} or {@link BackupFailures#record} the backup
     * is listed as running.
     */
    public PlannedBackup plan(BackupRequest request) {
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
        PlannedBackup backup = new PlannedBackup(BackupId.generate(request.type(), now), request, region, now, parent);
        running.add(backup);
        return backup;
    }

    /**
     * An incremental continues the newest incremental when that one is not older than the newest full
     * backup, so the chain of increments stays unbroken across full backups; otherwise (no increments yet,
     * or capture was stopped for longer than a full backup interval) it starts a new chain at the full backup.
     * Only backups whose seal verified are candidates; while a newer one cannot be checked (KMS unreachable),
     * no parent is chosen, since it may be the one to continue. After a failover, only backups begun since it
     * are candidates ({@link FailoverChains}).
     */
    private Manifest parentOf(BackupRequest request, RegionContext region) {
        ActiveRegion active = activeRegion.get();
        List<BackupRecord> all = catalog.all(request.store(), region);
        List<BackupRecord> completed = all.stream().filter(BackupRecord::isCompleted)
                .filter(r -> FailoverChains.mayContinue(r, active)).toList();
        Optional<BackupRecord> newestCompleted = completed.stream().findFirst();
        all.stream().filter(r -> r.status() == BackupStatus.UNVERIFIED)
                .filter(r -> newestCompleted.isEmpty() || r.startedAt().isAfter(newestCompleted.get().startedAt()))
                .findFirst().ifPresent(r -> {
                    throw new KeyUnavailableException("cannot choose the backup the increment continues from: "
                            + r.error());
                });
        Optional<BackupRecord> full = completed.stream().filter(r -> BackupType.FULL.id().equals(r.type())).findFirst();
        Optional<BackupRecord> increment = completed.stream().filter(r -> BackupType.INCREMENTAL.id().equals(r.type())).findFirst();
        if (full.isEmpty() && active.since() != null) {
            throw new InvalidRequestException("no completed full " + request.store() + " backup in " + region.id()
                    + " since " + active.region() + " became the active region (" + active.since() + ", term "
                    + active.term() + "): an incremental chain does not continue across a failover; run 'dr backup "
                    + "--type full --store " + request.store() + " --region " + region.id() + "' first");
        }
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
    public StoreOperations.Extraction extract(PlannedBackup backup) {
        running.beginAttempt(backup);
        backup.progress().restart("extracting");
        StoreOperations store = stores.get(backup.store());
        return backup.parent() == null
                ? store.full(backup.region(), backup.startedAt())
                : store.incremental(backup.region(), backup.parent(), backup.startedAt(), backup.request().until());
    }

    public Framed frame(PlannedBackup backup, StoreOperations.Extraction extraction) {
        return new Framed(extraction, ArchiveWriter.frame(extraction.source(), backup.progress()));
    }

    public Compressed compress(Framed framed) {
        return new Compressed(framed, ArchiveWriter.compress(framed.stream(), config.compressionLevel(),
                config.compressionWorkers()));
    }

    /** Encrypts under a fresh data key, wrapped by the key provider; the header binds id, store and region. */
    public Encrypted encrypt(PlannedBackup backup, Compressed compressed) throws GeneralSecurityException {
        DataKey key = running.hold(backup, keys.newDataKey(backupKeys.newBackup(backup.id().value(),
                backup.store().id(), backup.region().id().value())));
        ObjectHeader header = new ObjectHeader(ArchiveFormat.VERSION, backup.id().value(), backup.store().id(),
                backup.region().id().value(), backup.startedAt().toString(), ArchiveFormat.COMPRESSION,
                ArchiveFormat.ENCRYPTION, key.wrapped().provider(), key.wrapped().keyId());
        return new Encrypted(compressed.framed(), key,
                ArchiveWriter.encrypt(compressed.stream(), header, key.streamingAead()));
    }

    /**
     * Streams the archive to the region's bucket (this is where the whole pipeline actually runs), then writes
     * the backup's manifest from what the upload and the extraction ended with.
     */
    public Uploaded upload(PlannedBackup backup, Encrypted encrypted) {
        ObjectStore.UploadResult object;
        try (InputStream in = encrypted.stream()) {
            object = backup.region().objectStore().upload(backup.dataObjectKey(), in, config.partSizeBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("closing the extraction of " + backup.id() + " failed", e);
        }
        if (!encrypted.framed().stream().isComplete()) {
            throw new IllegalStateException("backup " + backup.id() + ": the upload finished before the extraction did");
        }
        Manifest manifest = manifest(backup, encrypted.framed(), object, encrypted.key().wrapped());
        return new Uploaded(ManifestCodec.seal(manifest, encrypted.key()), encrypted.key());
    }

    /**
     * Reads the uploaded object back at the configured depth before anything is committed. The verifier throws
     * on any mismatch, so a backup that gets past this step passed.
     */
    public Verified verify(PlannedBackup backup, Uploaded uploaded) {
        VerifyLevel level = config.verify();
        if (level == VerifyLevel.RESTORE && (backup.parent() != null
                || !stores.get(backup.store()).supportsScratchRestore(backup.region().config()))) {
            // An increment restores only on top of its chain, and some stores have no scratch databases.
            level = VerifyLevel.FULL;
        }
        VerificationRecord passed = verifier.verify(backup.region(), uploaded.manifest(), level, backup.progress());
        return new Verified(uploaded, new Manifest.Verification(passed.level(), "passed", passed.verifiedAt()));
    }

    /** The manifest with its verification, completed now and sealed again: what the commit step writes. */
    public SealedManifest seal(PlannedBackup backup, Verified verified) {
        Uploaded uploaded = verified.uploaded();
        Manifest manifest = uploaded.manifest().verified(verified.verification(), clock.instant());
        backup.progress().phase("committing");
        return new SealedManifest(ManifestCodec.seal(manifest, uploaded.key()));
    }

    /** After the commit: metrics, and the record returned to whoever asked for the backup. */
    public BackupRecord completed(PlannedBackup backup, SealedManifest committed) {
        Manifest m = committed.manifest();
        CatalogIndex.forgetIfEarlierMonth(backup.region(), backup.store(), backup.id(), m.completedAt());
        running.finish(backup);
        backup.progress().phase("completed");
        metrics.backupCompleted(m.store(), m.type(), m.region(), Duration.ofMillis(m.durationMillis()),
                m.object().size(), m.completedAt());
        return BackupRecord.completed(m, backup.location(), m.verification().level() + ": " + m.verification().result());
    }

    /** The manifest, but for its verification and completion time (set when it is sealed for the commit). */
    private Manifest manifest(PlannedBackup backup, Framed framed, ObjectStore.UploadResult object, WrappedKey key) {
        ArchiveSummary summary = framed.stream().summary();
        StoreOperations.Extraction extraction = framed.extraction();
        return new Manifest(ArchiveFormat.MANIFEST_VERSION, backup.id().value(), backup.request().type().id(),
                backup.store().id(), backup.region().id().value(), backup.request().trigger(), backup.startedAt(), null,
                backup.parent() == null ? null : backup.parent().id(),
                extraction.coveredUntil().get(),
                new Manifest.Positions(extraction.start(), extraction.end().get()),
                extraction.description(),
                new Manifest.StoredObject(object.key(), object.size(), object.sha256(), object.parts()),
                new Manifest.Encryption(ArchiveFormat.ENCRYPTION, key.provider(), key.keyId(), key.ciphertext(),
                        key.keyCheck(), backupKeys.deploymentId()),
                new Manifest.Compression(ArchiveFormat.COMPRESSION, config.compressionLevel()),
                summary.items(), summary.bytes(),
                summary.sections().stream().map(Manifest.Section::of).toList(),
                null, null);
    }
}
