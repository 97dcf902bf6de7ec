package io.devflow.dr.region;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every configured region's {@link RegionContext}, primary first. */
public final class RegionDirectory implements AutoCloseable {

    private final DrConfig config;
    private final Map<RegionId, RegionContext> regions = new LinkedHashMap<>();

    public RegionDirectory(DrConfig config) {
        this.config = config;
        config.sortedRegions().forEach((id, region) -> regions.put(id, new RegionContext(region)));
    }

    /** For tests: regions whose contexts were built elsewhere. */
    public RegionDirectory(DrConfig config, List<RegionContext> contexts) {
        this.config = config;
        contexts.forEach(c -> regions.put(c.id(), c));
    }

    public DrConfig config() {
        return config;
    }

    public List<RegionContext> all() {
        return new ArrayList<>(regions.values());
    }

    public RegionContext get(RegionId id) {
        RegionContext region = regions.get(id);
        if (region == null) {
            RegionConfig checked = config.requireRegion(id.value());
            throw new IllegalStateException("region " + checked.id() + " has no context");
        }
        return region;
    }

    /** The named region, or a configuration error listing the configured ones. */
    public RegionContext get(String name) {
        return get(config.requireRegion(name).id());
    }

    public RegionContext primary() {
        return get(config.primaryRegion().id());
    }

    @Override
    public void close() {
        regions.values().forEach(RegionContext::close);
    }
}
