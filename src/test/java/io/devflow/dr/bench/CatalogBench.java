package io.devflow.dr.bench;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveFormat;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.ObjectLayout;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyContext;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.storage.ObjectStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The measured side of {@code bench/catalog-list.sh}, against the s3proxy of {@link StoreServers}:
 * <pre>
 *   CatalogBench seed CONFIG N     N completed MongoDB backups, one an hour back from now: a sealed manifest and a
 *                                  small data object each, as the pipeline commits them (not measured)
 *   CatalogBench forget CONFIG     deletes every month index, so the next listing reads every manifest
 *   CatalogBench list CONFIG       one listing of the store, as dr backups list makes it, in this fresh JVM
 * </pre>
 * {@code list} prints {@code RESULT mode=list backups=... completed=... indexes=... seconds=... againSeconds=...},
 * where indexes is the number of month indexes in the bucket after the listing, seconds covers the first listing
 * alone (what {@code dr backups list} waits for) and againSeconds a second one in the same JVM (what a server's
 * retention run or capture tick waits for, its clients and keys ready).
 */
public final class CatalogBench {

    private static final StoreKind STORE = StoreKind.MONGODB;

    private CatalogBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CatalogBench seed CONFIG N | forget CONFIG | list CONFIG");
            System.exit(2);
        }
        DrConfig config = ConfigLoader.system().load(Path.of(args[1]));
        try (DrServices services = new DrServices(config)) {
            RegionContext region = services.regions().all().get(0);
            switch (args[0]) {
                case "seed" -> seed(services, region, Integer.parseInt(args[2]));
                case "forget" -> forget(region);
                case "list" -> list(services, region);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
        System.exit(0);
    }

    private static void seed(DrServices services, RegionContext region, int backups) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < backups; i++) {
            Instant started = now.minus(Duration.ofHours(i + 1L));
            writes.add(pool.submit(() -> {
                commit(services, region, started);
                return null;
            }));
        }
        for (Future<?> write : writes) {
            write.get();
        }
        pool.shutdown();
        System.out.println("seeded " + backups + " backups");
    }

    /** One completed backup as the pipeline leaves it: its data object and its sealed manifest. */
    private static void commit(DrServices services, RegionContext region, Instant started) throws Exception {
        BackupId id = BackupId.generate(BackupType.FULL, started);
        ObjectLayout layout = ObjectLayout.of(region);
        byte[] data = ("bench " + id).getBytes();
        String deployment = services.config().deploymentId();
        try (DataKey key = services.keys().newDataKey(KeyContext.backup(id.value(), STORE.id(),
                region.id().value(), deployment))) {
            Manifest manifest = new Manifest(ArchiveFormat.MANIFEST_VERSION, id.value(), "full", STORE.id(),
                    region.id().value(), "schedule", started, started.plusSeconds(30), null, started,
                    new Manifest.Positions(Map.of("*", started.getEpochSecond() + ".1"), Map.of()),
                    Map.of("databases", "bench"),
                    new Manifest.StoredObject(layout.data(STORE, id), data.length, "0".repeat(64), 1),
                    new Manifest.Encryption(ArchiveFormat.ENCRYPTION, key.wrapped().provider(), key.wrapped().keyId(),
                            key.wrapped().ciphertext(), key.wrapped().keyCheck(), deployment),
                    new Manifest.Compression(ArchiveFormat.COMPRESSION, 3), 1000, 100_000,
                    List.of(new Manifest.Section("bench.things", 1000, 100_000, "0".repeat(64))),
                    new Manifest.Verification("quick", "passed", started.plusSeconds(30)), null);
            region.objectStore().put(layout.data(STORE, id), data, "application/octet-stream");
            region.objectStore().put(layout.manifest(STORE, id), ManifestCodec.write(ManifestCodec.seal(manifest, key)),
                    "application/json");
        }
    }

    private static void forget(RegionContext region) {
        for (ObjectStore.ObjectInfo index : indexes(region)) {
            region.objectStore().delete(index.key());
        }
    }

    private static void list(DrServices services, RegionContext region) {
        long start = System.nanoTime();
        BackupCatalog.Listing listing = services.catalog().list(Optional.of(STORE), Optional.of(region.id()));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!listing.unreachable().isEmpty()) {
            throw new IllegalStateException("unreachable: " + listing.unreachable());
        }
        long completed = listing.backups().stream().filter(b -> b.status() == BackupStatus.COMPLETED).count();
        long again = System.nanoTime();
        services.catalog().list(Optional.of(STORE), Optional.of(region.id()));
        double againSeconds = (System.nanoTime() - again) / 1e9;
        System.out.printf("RESULT mode=list backups=%d completed=%d indexes=%d seconds=%.3f againSeconds=%.3f%n",
                listing.backups().size(), completed, indexes(region).size(), seconds, againSeconds);
    }

    private static List<ObjectStore.ObjectInfo> indexes(RegionContext region) {
        String monthIndex = ObjectLayout.of(region).monthIndex(STORE, java.time.YearMonth.of(2000, 1));
        return region.objectStore().list(monthIndex.substring(0, monthIndex.lastIndexOf('/') + 1));
    }
}
