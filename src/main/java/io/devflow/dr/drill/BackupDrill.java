package io.devflow.dr.drill;

import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.store.redis.RedisScratch;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.verification.BackupVerifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The backup drill (the seed's restore test, weekly): per store, the newest completed full backup in any region's
 * bucket is restored into scratch databases of that region's servers and its fingerprints compared with the
 * manifest's. The seconds per store are the restore's, verified: a measured recovery time. MongoDB and InfluxDB
 * restore into new databases named {@code dr_drill_<tag>_<database>}, which must not exist and are dropped afterwards;
 * Redis restores into one spare logical database, which must be empty and is emptied afterwards.
 */
public final class BackupDrill implements Drill {

    private final DrConfig config;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final BackupCatalog catalog;
    private final BackupVerifier verifier;

    public BackupDrill(DrConfig config, RegionDirectory regions, StoreRegistry stores, BackupCatalog catalog,
                       BackupVerifier verifier) {
        this.config = config;
        this.regions = regions;
        this.stores = stores;
        this.catalog = catalog;
        this.verifier = verifier;
    }

    @Override
    public DrillType type() {
        return DrillType.BACKUP;
    }

    @Override
    public void run(String id, DrillOutcome outcome) {
        for (StoreKind kind : StoreKind.values()) {
            if (regions.all().stream().noneMatch(r -> stores.get(kind).isConfigured(r.config()))) {
                continue;
            }
            long started = System.nanoTime();
            try {
                Newest newest = newestFull(kind);
                String detail = kind == StoreKind.REDIS ? redis(id, newest, outcome) : databases(id, kind, newest, outcome);
                outcome.store(kind.id(), true, DrillOutcome.seconds(started), detail);
            } catch (RuntimeException e) {
                outcome.store(kind.id(), false, DrillOutcome.seconds(started), Failures.describe(e));
            }
        }
    }

    private record Newest(RegionContext region, BackupRecord record) {
        Manifest manifest() {
            return record.manifest();
        }
    }

    /** The newest completed full backup of a store, in whichever region's bucket; unreachable buckets are named. */
    private Newest newestFull(StoreKind kind) {
        List<Newest> found = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (RegionContext region : regions.all()) {
            if (!stores.get(kind).isConfigured(region.config())) {
                continue;
            }
            try {
                catalog.completed(kind, region).stream().filter(r -> "full".equals(r.type())).findFirst()
                        .ifPresent(r -> found.add(new Newest(region, r)));
            } catch (RemoteOperationException e) {
                unreachable.add(region.id() + " (" + Failures.describe(e) + ")");
            }
        }
        return found.stream().max(Comparator.comparing(n -> n.record().completedAt())).orElseThrow(() ->
                new InvalidRequestException("no completed full " + kind.id() + " backup in any region's bucket"
                        + (unreachable.isEmpty() ? "" : "; unreachable: " + String.join(", ", unreachable))
                        + "; take one: dr backup --type full --store " + kind.id()));
    }

    /** MongoDB and InfluxDB: the backup restored into new scratch databases, fingerprinted, dropped. */
    private String databases(String id, StoreKind kind, Newest newest, DrillOutcome outcome) {
        StoreOperations operations = stores.get(kind);
        RegionContext region = newest.region();
        if (!operations.supportsScratchRestore(region.config())) {
            throw new InvalidRequestException(newest.manifest().store() + " in " + region.id() + " cannot be restored "
                    + "into scratch databases (InfluxDB version 2 buckets are not created by dr); the backup drill "
                    + "cannot measure its restore");
        }
        List<String> sources = Arrays.stream(newest.manifest().source().getOrDefault("databases", "").split(","))
                .filter(s -> !s.isBlank()).toList();
        Map<String, String> scratch = ScratchNames.of(id, sources);
        List<String> existing = ScratchDatabases.existing(operations, region);
        scratch.values().stream().filter(existing::contains).findFirst().ifPresent(name -> {
            throw new IllegalStateException("database " + name + " exists already on " + region.id() + "; a drill "
                    + "creates only databases that do not exist");
        });
        try {
            try (StoreOperations.Restorer restorer = operations.restorer(region, newest.manifest(), scratch::get, null,
                    Map.of())) {
                verifier.readThrough(region, newest.manifest(), restorer, new Progress());
                restorer.result();
            }
            BackupVerifier.compareRestored(newest.manifest().sections(), operations.fingerprint(region, scratch),
                    "backup " + newest.manifest().id());
        } finally {
            for (String database : scratch.values()) {
                try {
                    operations.drop(region, database);
                    outcome.cleaned("dropped " + newest.manifest().store() + " database " + database + " on " + region.id());
                } catch (RuntimeException e) {
                    outcome.failed("scratch database " + database + " on " + region.id() + " could not be dropped ("
                            + Failures.describe(e) + "); drop it by hand");
                }
            }
        }
        return newest.manifest().id() + " (" + newest.manifest().items() + " items) from " + region.id()
                + "'s bucket restored into " + String.join(", ", scratch.values()) + "; fingerprints match";
    }

    /** Redis: each database of the backup restored in turn into the spare logical database, compared, emptied. */
    private String redis(String id, Newest newest, DrillOutcome outcome) {
        RegionContext region = newest.region();
        RedisConfig redis = region.config().requireRedis();
        int scratch = scratchDatabase();
        RedisScratch server = new RedisScratch(redis);
        long held = server.size(scratch);
        if (held > 0) {
            throw new IllegalStateException("scratch database " + scratch + " of " + server.display() + " in "
                    + region.id() + " holds " + held + " keys; a backup drill restores only into an empty database: "
                    + "empty it, or set recovery.drills.redisScratchDatabase to an unused one");
        }
        List<Integer> sources = Arrays.stream(newest.manifest().source().getOrDefault("databases", "").split(","))
                .filter(s -> !s.isBlank()).map(Integer::valueOf).toList();
        for (int source : sources) {
            try (RedisScratch.Restore restore = server.restore(source, scratch, newest.manifest().startedAt())) {
                verifier.readThrough(region, newest.manifest(), restore, new Progress());
                SectionSummary expected = restore.expected();
                BackupVerifier.compareRestored(List.of(Manifest.Section.of(expected)),
                        List.of(server.fingerprint(scratch, expected.name())), "backup " + newest.manifest().id());
            } finally {
                try {
                    server.clear(scratch);
                    outcome.cleaned("emptied redis scratch database " + scratch + " on " + region.id()
                            + " (after database " + source + ")");
                } catch (RuntimeException e) {
                    outcome.failed("redis scratch database " + scratch + " on " + region.id() + " could not be emptied ("
                            + Failures.describe(e) + "); empty it by hand");
                }
            }
        }
        return newest.manifest().id() + " (" + newest.manifest().items() + " keys) from " + region.id()
                + "'s bucket restored database by database into scratch database " + scratch + "; fingerprints match";
    }

    /** The configured scratch database, or the highest spare one. */
    int scratchDatabase() {
        return ScratchDatabases.redis(config, regions, 1).get(0);
    }
}
