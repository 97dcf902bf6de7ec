package io.devflow.dr.config;

import java.util.Optional;

/** One region: its data stores and the bucket its backups go to. */
public record RegionConfig(RegionId id, RegionRole role, Optional<MongoConfig> mongodb, StorageConfig storage) {

    /** The region's MongoDB, or a configuration error saying that none is configured. */
    public MongoConfig requireMongodb() {
        return mongodb.orElseThrow(() -> ConfigException.general(
                "region " + id + " has no mongodb configured (disasterRecovery.regions." + id + ".mongodb)"));
    }
}
