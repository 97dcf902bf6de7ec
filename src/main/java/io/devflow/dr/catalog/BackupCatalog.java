package io.devflow.dr.catalog;

import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.KeyRefusedException;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.metrics.DrMetrics;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.RemoteOperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The catalog of backups is the bucket listing: a backup is completed when its manifest exists and its seal
 * verifies, failed when its failure record does, and incomplete otherwise. A manifest that is unreadable,
 * another backup's or another deployment's, or whose seal does not verify is damaged; one whose seal cannot be
 * checked now (KMS unreachable, the key not accessible) is unverified. Neither counts as completed. Regions
 * that cannot be reached are reported, not fatal, so the catalog stays usable while a region is down.
 */
public final class BackupCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(BackupCatalog.class);

    private final RegionDirectory regions;
    private final BackupKeys keys;
    private final DrMetrics metrics;
    private final CatalogIndex index;

    public BackupCatalog(RegionDirectory regions, BackupKeys keys, DrMetrics metrics, CatalogIndex index) {
        this.regions = regions;
        this.keys = keys;
        this.metrics = metrics;
        this.index = index;
    }

    /** Backups newest first, and the regions whose storage could not be listed (with the reason). */
    public record Listing(List<BackupRecord> backups, Map<String, String> unreachable) {
    }

    /**
     * A backup and the region whose bucket holds it.
     *
     * @param problem why an unverified backup could not be verified, as it was raised; null otherwise
     */
    public record Located(RegionContext region, StoreKind store, BackupId id, BackupRecord record,
                          RuntimeException problem) {

        public Manifest manifest() {
            return record.manifest();
        }

        /**
         * Refuses a backup whose manifest cannot be trusted: damaged ones as damage, unverified ones with the
         * reason their seal could not be checked (KMS unreachable, the key not accessible).
         */
        public void requireTrusted() {
            if (record.status() == BackupStatus.DAMAGED) {
                throw new ArchiveIntegrityException(record.error());
            }
            if (record.status() == BackupStatus.UNVERIFIED) {
                throw problem;
            }
        }
    }

    private record Read(BackupRecord record, RuntimeException problem) {
    }

    public Listing list(Optional<StoreKind> store, Optional<RegionId> region) {
        List<BackupRecord> backups = new ArrayList<>();
        Map<String, String> unreachable = new TreeMap<>();
        for (RegionContext context : regions.all()) {
            if (region.isPresent() && !region.get().equals(context.id())) {
                continue;
            }
            List<StoreKind> stores = store.map(List::of).orElse(List.of(StoreKind.values()));
            try {
                for (StoreKind kind : stores) {
                    backups.addAll(listStore(context, kind));
                }
            } catch (RemoteOperationException e) {
                unreachable.put(context.id().value(), Failures.describe(e));
            }
        }
        backups.sort(Comparator.comparing(BackupRecord::startedAt).reversed().thenComparing(BackupRecord::id));
        return new Listing(backups, unreachable);
    }

    /** Completed backups of one store in one region, newest first. Storage failures propagate. */
    public List<BackupRecord> completed(StoreKind store, RegionContext region) {
        List<BackupRecord> records = all(store, region);
        records.removeIf(r -> !r.isCompleted());
        return records;
    }

    /** Every backup of one store in one region, whatever its state, newest first. Storage failures propagate. */
    public List<BackupRecord> all(StoreKind store, RegionContext region) {
        List<BackupRecord> records = new ArrayList<>(listStore(region, store));
        records.sort(Comparator.comparing(BackupRecord::startedAt).reversed());
        return records;
    }

    /**
     * @throws BackupNotFoundException naming the regions searched (and those that could not be)
     */
    public Located find(BackupId id) {
        List<String> unreachable = new ArrayList<>();
        for (RegionContext context : regions.all()) {
            for (StoreKind kind : StoreKind.values()) {
                try {
                    List<Read> found = listPrefix(context, ObjectLayout.of(context).backupFolder(kind, id),
                            new Unreachable());
                    if (!found.isEmpty()) {
                        return new Located(context, kind, id, found.get(0).record(), found.get(0).problem());
                    }
                } catch (RemoteOperationException e) {
                    unreachable.add(context.id() + " (" + context.config().storage().location() + ": "
                            + Failures.describe(e) + ")");
                    break;
                }
            }
        }
        String searched = regions.all().stream()
                .map(r -> r.id() + " (" + r.config().storage().location() + ")")
                .collect(Collectors.joining(", "));
        throw new BackupNotFoundException("no backup " + id + " in " + searched
                + (unreachable.isEmpty() ? "" : "; could not search " + String.join(", ", unreachable))
                + "; 'dr backups list' shows the backups there are");
    }

    /**
     * The backups of one store in one region, closed months from their index and the others read folder by folder;
     * the damaged ones found are counted in the metrics.
     */
    private List<BackupRecord> listStore(RegionContext context, StoreKind kind) {
        Unreachable kms = new Unreachable();
        List<BackupRecord> records = new ArrayList<>(index.records(context, kind, month ->
                listPrefix(context, ObjectLayout.of(context).monthPrefix(kind, month), kms).stream()
                        .map(Read::record).toList()));
        metrics.damagedManifests(kind.id(), context.id().value(),
                records.stream().filter(r -> r.status() == BackupStatus.DAMAGED).count());
        return records;
    }

    /** Reads the catalog entries of every backup folder under a prefix, several folders at a time. */
    private List<Read> listPrefix(RegionContext context, String prefix, Unreachable kms) {
        ObjectStore store = context.objectStore();
        ObjectLayout layout = ObjectLayout.of(context);
        Map<String, Folder> folders = new TreeMap<>();
        for (ObjectStore.ObjectInfo object : store.list(prefix)) {
            layout.parse(object.key()).ifPresent(entry -> {
                Folder folder = folders.computeIfAbsent(entry.id().value(), k -> new Folder(entry.store(), entry.id()));
                folder.files.add(entry.file());
                if (ObjectLayout.DATA.equals(entry.file())) {
                    folder.dataSize = object.size();
                }
            });
        }
        return CatalogReads.each(new ArrayList<>(folders.values()), folder -> read(context, folder, kms));
    }

    /**
     * Once KMS cannot be reached, the rest of a listing does not wait for it again, manifest after manifest (the
     * reads already under way when it failed may still wait once each).
     */
    private static final class Unreachable {
        volatile RemoteOperationException failure;
    }

    private static final class Folder {
        final StoreKind store;
        final BackupId id;
        final Set<String> files = new TreeSet<>();
        Long dataSize;

        Folder(StoreKind store, BackupId id) {
            this.store = store;
            this.id = id;
        }
    }

    private Read read(RegionContext context, Folder folder, Unreachable kms) {
        ObjectLayout layout = ObjectLayout.of(context);
        String location = "s3://" + context.config().storage().bucket() + "/" + layout.backupFolder(folder.store, folder.id);
        String what = "backup " + folder.id;
        if (folder.files.contains(ObjectLayout.MANIFEST)) {
            byte[] bytes = context.objectStore().getBytes(layout.manifest(folder.store, folder.id))
                    .orElseThrow(() -> new BackupNotFoundException(what + ": its manifest vanished while listing"));
            Manifest manifest;
            try {
                manifest = ManifestCodec.read(bytes, what);
            } catch (ArchiveIntegrityException e) {
                return damaged(folder, context, location, e.getMessage());
            }
            if (!folder.id.value().equals(manifest.id()) || !folder.store.id().equals(manifest.store())
                    || !layout.data(folder.store, folder.id).equals(manifest.object().key())) {
                return damaged(folder, context, location, what + ": its manifest belongs to backup " + manifest.id()
                        + " (" + manifest.object().key() + "): manifests were swapped or copied");
            }
            String sealed = manifest.verification() != null
                    ? manifest.verification().level() + ": " + manifest.verification().result() : null;
            try {
                if (kms.failure != null) {
                    throw kms.failure;
                }
                keys.checkSeal(manifest, what);
            } catch (ArchiveIntegrityException | KeyRefusedException e) {
                return damaged(folder, context, location, e.getMessage());
            } catch (KeyUnavailableException | RemoteOperationException | LocalKeyring.KeyringException e) {
                if (e instanceof RemoteOperationException unreachable) {
                    kms.failure = unreachable;
                }
                return new Read(BackupRecord.unverified(manifest, location, sealed, what
                        + ": its seal cannot be checked now: " + Failures.describe(e)), e);
            }
            BackupRecord completed = BackupRecord.completed(manifest, location, sealed);
            if (folder.files.contains(ObjectLayout.VERIFICATION)) {
                completed = withVerification(context, folder, manifest, completed);
            }
            return new Read(completed, null);
        }
        if (folder.files.contains(ObjectLayout.FAILURE)) {
            Optional<FailureRecord> failure = context.objectStore().getBytes(layout.failure(folder.store, folder.id))
                    .flatMap(BackupCatalog::parseFailure);
            return new Read(new BackupRecord(folder.id.value(), folder.id.type().id(), folder.store.id(),
                    context.id().value(), BackupStatus.FAILED, failure.map(FailureRecord::trigger).orElse(null),
                    folder.id.startedAt(), failure.map(FailureRecord::failedAt).orElse(null), null, null, folder.dataSize,
                    null, null, null, null, null, location, failure.map(FailureRecord::error)
                    .orElse("failure record unreadable"), null), null);
        }
        return new Read(new BackupRecord(folder.id.value(), folder.id.type().id(), folder.store.id(), context.id().value(),
                BackupStatus.INCOMPLETE, null, folder.id.startedAt(), null, null, null, folder.dataSize, null, null, null,
                null, null, location, "no manifest: still running elsewhere, or its process stopped before committing",
                null), null);
    }

    private Read damaged(Folder folder, RegionContext context, String location, String message) {
        LOG.warn("damaged backup manifest in {}: {}", context.id(), message);
        return new Read(new BackupRecord(folder.id.value(), folder.id.type().id(), folder.store.id(), context.id().value(),
                BackupStatus.DAMAGED, null, folder.id.startedAt(), null, null, null, folder.dataSize, null, null, null, null,
                null, location, message, null), null);
    }

    /**
     * The last verification, from {@code verification.json} when its seal proves {@code dr verify} wrote it for
     * this backup; otherwise the record keeps what the sealed manifest says and notes that the file was ignored.
     */
    private BackupRecord withVerification(RegionContext context, Folder folder, Manifest manifest, BackupRecord completed) {
        Optional<VerificationRecord> recorded = context.objectStore()
                .getBytes(ObjectLayout.of(context).verification(folder.store, folder.id))
                .flatMap(BackupCatalog::parseVerification);
        if (recorded.isPresent() && keys.isAuthentic(manifest, recorded.get())) {
            return completed.withVerification(recorded.get().summary());
        }
        String note = "verification.json ignored: " + (recorded.isEmpty() ? "it is not a verification record"
                : recorded.get().seal() == null ? "it is not sealed (written by an older dr, or not by dr)"
                : "its seal does not match (altered, or copied from another backup)")
                + "; 'dr verify " + folder.id + "' records a sealed one";
        LOG.warn("backup {} in {}: {}", folder.id, context.id(), note);
        return completed.withError(note);
    }

    private static Optional<VerificationRecord> parseVerification(byte[] bytes) {
        try {
            return Optional.of(Json.MAPPER.readValue(bytes, VerificationRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<FailureRecord> parseFailure(byte[] bytes) {
        try {
            return Optional.of(Json.MAPPER.readValue(bytes, FailureRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
