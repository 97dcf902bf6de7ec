package io.devflow.dr.config;

import java.util.Optional;

/** One region: its data stores and the bucket its backups go to. */
public record RegionConfig(RegionId id, RegionRole role, Optional<MongoConfig> mongodb, Optional<RedisConfig> redis,
                           Optional<InfluxConfig> influxdb, StorageConfig storage) {

    /** Whether the region has the store configured. */
    public boolean has(io.devflow.dr.config.StoreKind store) {
        return switch (store) {
            case MONGODB -> mongodb.isPresent();
            case REDIS -> redis.isPresent();
            case INFLUXDB -> influxdb.isPresent();
        };
    }

    /** The region's MongoDB, or a configuration error saying that none is configured. */
    public MongoConfig requireMongodb() {
        return mongodb.orElseThrow(() -> notConfigured("mongodb"));
    }

    public RedisConfig requireRedis() {
        return redis.orElseThrow(() -> notConfigured("redis"));
    }

    public InfluxConfig requireInfluxdb() {
        return influxdb.orElseThrow(() -> notConfigured("influxdb"));
    }

    private ConfigException notConfigured(String store) {
        return ConfigException.general("region " + id + " has no " + store + " configured (disasterRecovery.regions."
                + id + "." + store + ")");
    }
}
