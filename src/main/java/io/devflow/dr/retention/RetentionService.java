package io.devflow.dr.retention;

import io.devflow.dr.backup.RunningBackups;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.CatalogIndex;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.config.RetentionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code dr retention apply}: applies the {@link RetentionPolicy} to every store in every reachable region,
 * deletes what it does not keep (the manifest first, so a half-deleted backup never looks completed) and
 * aborts multipart uploads abandoned for more than 24 hours.
 */
public final class RetentionService {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionService.class);

    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final RunningBackups running;
    private final RetentionConfig config;
    private final Clock clock;

    public RetentionService(BackupCatalog catalog, RegionDirectory regions, StoreRegistry stores, RunningBackups running,
                            Clock clock) {
        this.catalog = catalog;
        this.regions = regions;
        this.stores = stores;
        this.running = running;
        this.config = regions.config().backup().retention();
        this.clock = clock;
    }

    /** One line of the report. */
    public record Entry(String action, String id, String store, String region, String type, String status,
                        Instant startedAt, String reason) {
    }

    /**
     * @param resolvedConflicts what {@link ConflictRetention} did with resolved conflicts; null until it ran, and
     *                          when replication (and so conflict recording) is not configured
     */
    public record Report(boolean dryRun, List<Entry> backups, int kept, int deleted, List<String> abortedUploads,
                         Map<String, String> unreachableRegions, ConflictRetention.Result resolvedConflicts) {

        public Report withResolvedConflicts(ConflictRetention.Result result) {
            return new Report(dryRun, backups, kept, deleted, abortedUploads, unreachableRegions, result);
        }
    }

    public Report apply(boolean dryRun) {
        Instant now = clock.instant();
        List<Entry> entries = new ArrayList<>();
        List<String> aborted = new ArrayList<>();
        Map<String, String> unreachable = new TreeMap<>();
        for (RegionContext region : regions.all()) {
            try {
                for (StoreKind kind : StoreKind.values()) {
                    BackupCatalog.Listing listing = catalog.list(Optional.of(kind), Optional.of(region.id()));
                    if (!listing.unreachable().isEmpty()) {
                        throw new RemoteOperationException(listing.unreachable().values().iterator().next(), null, true);
                    }
                    List<BackupRecord> backups = listing.backups();
                    RetentionPolicy policy = new RetentionPolicy(config, stores.get(kind));
                    for (RetentionPolicy.Decision decision : policy.decide(backups, now)) {
                        BackupRecord b = decision.backup();
                        if (!decision.keep() && !dryRun) {
                            delete(region, kind, b);
                        }
                        entries.add(new Entry(decision.keep() ? "keep" : "delete", b.id(), b.store(), b.region(), b.type(),
                                b.status().id(), b.startedAt(), decision.reason()));
                    }
                }
                aborted.addAll(abortAbandonedUploads(region, now, dryRun));
            } catch (RemoteOperationException e) {
                unreachable.put(region.id().value(), Failures.describe(e));
            }
        }
        entries.sort(Comparator.comparing(Entry::region).thenComparing(Entry::store)
                .thenComparing(Entry::startedAt, Comparator.reverseOrder()));
        int kept = (int) entries.stream().filter(e -> e.action().equals("keep")).count();
        return new Report(dryRun, entries, kept, entries.size() - kept, aborted, unreachable, null);
    }

    private void delete(RegionContext region, StoreKind kind, BackupRecord backup) {
        BackupId id = BackupId.parse(backup.id()).orElseThrow();
        ObjectStore store = region.objectStore();
        String folder = ObjectLayout.of(region).backupFolder(kind, id);
        store.delete(ObjectLayout.of(region).manifest(kind, id));
        for (ObjectStore.ObjectInfo object : store.list(folder)) {
            store.delete(object.key());
        }
        CatalogIndex.forget(region, kind, id);
        LOG.info("retention: deleted {} ({}, {})", backup.id(), kind, region.id());
    }

    private List<String> abortAbandonedUploads(RegionContext region, Instant now, boolean dryRun) {
        List<String> aborted = new ArrayList<>();
        ObjectStore store = region.objectStore();
        for (StoreKind kind : StoreKind.values()) {
            for (ObjectStore.PendingUpload upload : store.pendingUploads(ObjectLayout.of(region).storePrefix(kind))) {
                boolean ours = ObjectLayout.of(region).parse(upload.key())
                        .map(e -> running.get(e.id()).isPresent()).orElse(false);
                if (!ours && upload.initiated().isBefore(now.minus(RetentionPolicy.ABANDONED_AFTER))) {
                    if (!dryRun) {
                        store.abortUploads(upload.key());
                    }
                    aborted.add(upload.key());
                }
            }
        }
        return aborted;
    }
}
