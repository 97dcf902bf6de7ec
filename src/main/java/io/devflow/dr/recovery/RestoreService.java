package io.devflow.dr.recovery;

import io.devflow.dr.archive.ArchiveReader;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupKeys;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.verification.BackupVerifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Restores a committed backup into a region's MongoDB, optionally under other database names. Before anything
 * is written, the manifest's seal and the stored object's size and SHA-256 are checked; while restoring, the
 * object is authenticated again segment by segment as it streams.
 */
public final class RestoreService {

    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final StoreRegistry stores;
    private final BackupKeys keys;
    private final BackupVerifier verifier;
    private final Clock clock;

    public RestoreService(BackupCatalog catalog, RegionDirectory regions, StoreRegistry stores, BackupKeys keys,
                          BackupVerifier verifier, Clock clock) {
        this.catalog = catalog;
        this.regions = regions;
        this.stores = stores;
        this.keys = keys;
        this.verifier = verifier;
        this.clock = clock;
    }

    /** What a restore will do, shown before it does it. */
    public record Plan(BackupId id, String store, String sourceRegion, String targetRegion, Map<String, String> databases,
                       long items, long storedBytes) {
    }

    public record Report(String id, String store, String targetRegion, Map<String, String> databases,
                         Map<String, Long> written, long total, List<String> warnings, long durationMs) {
    }

    /**
     * @param targetDatabases {@code NAME} (for a single-database backup) or {@code SOURCE=TARGET} pairs; empty
     *                        keeps the source names
     */
    public Plan plan(BackupId id, RegionId target, List<String> targetDatabases) {
        BackupCatalog.Located located = catalog.find(id);
        located.requireTrusted();
        if (!located.record().isCompleted()) {
            throw new InvalidRequestException("backup " + id + " is " + located.record().status()
                    + (located.record().error() != null ? " (" + located.record().error() + ")" : "")
                    + "; only completed backups can be restored ('dr backups list' shows them)");
        }
        Manifest manifest = located.manifest();
        if (!"full".equals(manifest.type())) {
            throw new InvalidRequestException("backup " + id + " is an incremental segment: it only restores on top of "
                    + "its full backup; restore to a point in time with --point-in-time instead");
        }
        RegionContext targetRegion = regions.get(target);
        StoreOperations store = stores.get(manifest.store());
        if (!store.isConfigured(targetRegion.config())) {
            throw new InvalidRequestException("region " + target + " has no " + manifest.store() + " to restore into "
                    + "(disasterRecovery.regions." + target + "." + manifest.store() + ")");
        }
        return new Plan(id, manifest.store(), located.region().id().value(), target.value(),
                checked(manifest.store(), mapDatabases(databases(manifest), targetDatabases)), manifest.items(),
                manifest.object().size());
    }

    public Report restore(Plan plan, Progress progress) {
        Instant started = clock.instant();
        BackupCatalog.Located located = catalog.find(plan.id());
        located.requireTrusted();
        Manifest manifest = located.manifest();
        if (!located.record().isCompleted()) {
            throw new InvalidRequestException("backup " + plan.id() + " is " + located.record().status()
                    + " (" + located.record().error() + ")");
        }
        // Nothing is written until the stored object is known to be the one the sealed manifest describes.
        verifier.verify(located.region(), manifest, VerifyLevel.QUICK, progress);
        RegionContext target = regions.get(plan.targetRegion());
        StoreOperations.Restorer restorer = stores.get(manifest.store())
                .restorer(target, manifest, plan.databases()::get, null, Map.of());
        apply(located.region(), manifest, restorer, progress, "restoring " + plan.id() + " into " + plan.targetRegion());
        StoreOperations.RestoreResult result = restorer.result();
        progress.phase("restored");
        return new Report(plan.id().value(), manifest.store(), plan.targetRegion(), plan.databases(), result.written(),
                result.total(), result.warnings(), Duration.between(started, clock.instant()).toMillis());
    }

    /**
     * Streams one stored backup into a restorer: checks the seal, then authenticates every segment as it
     * reads. Shared with point-in-time recovery, which applies a chain of backups this way. When anything
     * fails, the restorer is closed, so that none of its writes outlives the failure.
     */
    void apply(RegionContext source, Manifest manifest, StoreOperations.Restorer restorer, Progress progress, String phase) {
        String what = "backup " + manifest.id();
        try (DataKey key = keys.open(manifest);
             InputStream in = source.objectStore().open(manifest.object().key())) {
            ManifestCodec.checkSeal(manifest, key, what);
            progress.phase(phase);
            ArchiveReader.read(in, new ArchiveReader.Expected(manifest.id(), manifest.store(), manifest.region()),
                    header -> key.streamingAead(), progress, restorer);
        } catch (IOException ex) {
            restorer.close();
            throw new UncheckedIOException(what + ": reading the stored object failed", ex);
        } catch (RuntimeException | Error ex) {
            restorer.close();
            throw ex;
        }
    }

    static List<String> databases(Manifest manifest) {
        return Arrays.stream(manifest.source().getOrDefault("databases", "").split(",")).filter(d -> !d.isBlank()).toList();
    }

    /**
     * Refuses target database names the store cannot take, before anything is written: a MongoDB name with
     * {@code / \ . " $}, a space or over 63 bytes; a Redis database that is no number; an InfluxDB name with
     * quotes or control characters.
     */
    static Map<String, String> checked(String store, Map<String, String> mapping) {
        checkTargetNames(store, mapping);
        return mapping;
    }

    static void checkTargetNames(String store, Map<String, String> mapping) {
        for (String name : mapping.values()) {
            String problem = switch (store) {
                case "mongodb" -> name.chars().anyMatch(c -> "/\\. \"$".indexOf(c) >= 0 || c < 0x20)
                        || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63
                        ? "a MongoDB database name has at most 63 bytes and none of / \\ . \" $ or spaces" : null;
                case "redis" -> name.matches("\\d{1,9}") ? null : "a Redis database is a number (0, 1, ...)";
                case "influxdb" -> name.chars().anyMatch(c -> c == '"' || c == '\'' || c < 0x20) || !name.equals(name.strip())
                        ? "an InfluxDB database name has no quotes, control characters or surrounding spaces" : null;
                default -> null;
            };
            if (problem != null) {
                throw new InvalidRequestException("'" + name + "' cannot be a target database: " + problem);
            }
        }
    }

    static Map<String, String> mapDatabases(List<String> source, List<String> requested) {
        Map<String, String> mapping = new LinkedHashMap<>();
        source.forEach(d -> mapping.put(d, d));
        if (requested.isEmpty()) {
            return mapping;
        }
        if (requested.size() == 1 && !requested.get(0).contains("=")) {
            if (source.size() != 1) {
                throw new InvalidRequestException("the backup holds " + source.size() + " databases ("
                        + String.join(", ", source) + "); name each one as SOURCE=TARGET, e.g. --target-database "
                        + source.get(0) + "=" + source.get(0) + "_restored");
            }
            mapping.put(source.get(0), requested.get(0));
            return mapping;
        }
        Set<String> named = new HashSet<>();
        for (String pair : requested) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new InvalidRequestException("'" + pair + "' is not SOURCE=TARGET");
            }
            if (!named.add(parts[0])) {
                throw new InvalidRequestException("database '" + parts[0] + "' is mapped twice; name each one once");
            }
            if (!mapping.containsKey(parts[0])) {
                throw new InvalidRequestException("the backup has no database '" + parts[0] + "'; it holds "
                        + String.join(", ", source));
            }
            mapping.put(parts[0], parts[1]);
        }
        return mapping;
    }
}
