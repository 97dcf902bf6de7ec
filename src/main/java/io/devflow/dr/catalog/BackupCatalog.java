package io.devflow.dr.catalog;

import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.RemoteOperationException;

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
 * The catalog of backups is the bucket listing: a backup is completed when its manifest exists, failed
 * when its failure record does, and incomplete otherwise. Regions that cannot be reached are reported, not
 * fatal, so the catalog stays usable while a region is down.
 */
public final class BackupCatalog {

    private final RegionDirectory regions;

    public BackupCatalog(RegionDirectory regions) {
        this.regions = regions;
    }

    /** Backups newest first, and the regions whose storage could not be listed (with the reason). */
    public record Listing(List<BackupRecord> backups, Map<String, String> unreachable) {
    }

    /** A backup and the region whose bucket holds it. */
    public record Located(RegionContext region, StoreKind store, BackupId id, BackupRecord record) {

        public Manifest manifest() {
            return record.manifest();
        }
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
                    backups.addAll(listPrefix(context, ObjectLayout.of(context).storePrefix(kind)));
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
        List<BackupRecord> records = new ArrayList<>(listPrefix(region, ObjectLayout.of(region).storePrefix(store)));
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
                    List<BackupRecord> found = listPrefix(context, ObjectLayout.of(context).backupFolder(kind, id));
                    if (!found.isEmpty()) {
                        return new Located(context, kind, id, found.get(0));
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

    /** Reads the catalog entries of every backup folder under a prefix. */
    private List<BackupRecord> listPrefix(RegionContext context, String prefix) {
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
        List<BackupRecord> records = new ArrayList<>();
        for (Folder folder : folders.values()) {
            records.add(read(context, folder));
        }
        return records;
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

    private BackupRecord read(RegionContext context, Folder folder) {
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
            String verification = folder.files.contains(ObjectLayout.VERIFICATION)
                    ? readVerification(context, folder).orElse(null)
                    : manifest.verification() != null
                    ? manifest.verification().level() + ": " + manifest.verification().result() : null;
            return BackupRecord.completed(manifest, location, verification);
        }
        if (folder.files.contains(ObjectLayout.FAILURE)) {
            Optional<FailureRecord> failure = context.objectStore().getBytes(layout.failure(folder.store, folder.id))
                    .flatMap(BackupCatalog::parseFailure);
            return new BackupRecord(folder.id.value(), folder.id.type().id(), folder.store.id(), context.id().value(),
                    BackupStatus.FAILED, failure.map(FailureRecord::trigger).orElse(null), folder.id.startedAt(),
                    failure.map(FailureRecord::failedAt).orElse(null), null, null, folder.dataSize, null, null, null, null,
                    null, location, failure.map(FailureRecord::error).orElse("failure record unreadable"), null);
        }
        return new BackupRecord(folder.id.value(), folder.id.type().id(), folder.store.id(), context.id().value(),
                BackupStatus.INCOMPLETE, null, folder.id.startedAt(), null, null, null, folder.dataSize, null, null, null,
                null, null, location, "no manifest: still running elsewhere, or its process stopped before committing",
                null);
    }

    private static BackupRecord damaged(Folder folder, RegionContext context, String location, String message) {
        return new BackupRecord(folder.id.value(), folder.id.type().id(), folder.store.id(), context.id().value(),
                BackupStatus.DAMAGED, null, folder.id.startedAt(), null, null, null, folder.dataSize, null, null, null, null,
                null, location, message, null);
    }

    private Optional<String> readVerification(RegionContext context, Folder folder) {
        return context.objectStore().getBytes(ObjectLayout.of(context).verification(folder.store, folder.id))
                .flatMap(bytes -> {
                    try {
                        return Optional.of(Json.MAPPER.readValue(bytes, VerificationRecord.class).summary());
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                });
    }

    private static Optional<FailureRecord> parseFailure(byte[] bytes) {
        try {
            return Optional.of(Json.MAPPER.readValue(bytes, FailureRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
