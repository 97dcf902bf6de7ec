package io.devflow.dr.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The whole {@code disasterRecovery} configuration, loaded and validated by {@link ConfigLoader}.
 *
 * @param source where it was read from, for messages
 * @param deploymentId names this deployment; bound into every backup's and conflict record's key, so what another
 *                     deployment wrote (even under the same KMS key) is refused here
 * @param shorthandRegion the region the file describes in the seed's single-region shorthand (backup.mongodb,
 *                        backup.storage); empty when it is written in the full form, with {@code regions}
 */
public record DrConfig(
        Path source,
        String deploymentId,
        Map<RegionId, RegionConfig> regions,
        BackupConfig backup,
        RecoveryConfig recovery,
        ApiConfig api,
        Optional<ReplicationConfig> replication,
        ClusterConfig cluster,
        NotificationsConfig notifications,
        Optional<RegionId> shorthandRegion) {

    public DrConfig {
        regions = Map.copyOf(regions);
    }

    /** How a file in the single-region shorthand was read, and its full form; empty for the full form. */
    public Optional<String> shorthandNote() {
        return shorthandRegion.map(ShorthandReader::describe);
    }

    /** The region whose role is primary; validation guarantees there is exactly one. */
    public RegionConfig primaryRegion() {
        return regions.values().stream()
                .filter(r -> r.role() == RegionRole.PRIMARY)
                .findFirst()
                .orElseThrow();
    }

    public Optional<RegionConfig> region(RegionId id) {
        return Optional.ofNullable(regions.get(id));
    }

    /**
     * The named region, or a configuration error that lists the regions there are.
     */
    public RegionConfig requireRegion(String name) {
        RegionConfig region = RegionId.isValid(name) ? regions.get(RegionId.of(name)) : null;
        if (region == null) {
            throw ConfigException.general("unknown region '" + name + "'; configured regions are "
                    + String.join(", ", sortedRegions().keySet().stream().map(RegionId::value).toList())
                    + " (" + source + ")");
        }
        return region;
    }

    /** Regions in name order, primary first. */
    public SortedMap<RegionId, RegionConfig> sortedRegions() {
        return regions.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
                () -> new TreeMap<>((a, b) -> {
                    boolean pa = regions.get(a).role() == RegionRole.PRIMARY;
                    boolean pb = regions.get(b).role() == RegionRole.PRIMARY;
                    return pa == pb ? a.compareTo(b) : (pa ? -1 : 1);
                })));
    }
}
