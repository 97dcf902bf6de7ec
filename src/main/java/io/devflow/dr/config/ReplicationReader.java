package io.devflow.dr.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code disasterRecovery.replication}: source, targets, stores, conflict strategy, health and per-store settings. */
final class ReplicationReader {

    private ReplicationReader() {
    }

    static ReplicationConfig read(JsonObjectReader r, Map<RegionId, RegionConfig> regions) {
        boolean enabled = r.bool("enabled", true);
        RegionId source = r.optionalString("source").map(name -> region(r, "source", name, regions))
                .orElseGet(() -> regions.values().stream().filter(c -> c.role() == RegionRole.PRIMARY)
                        .map(RegionConfig::id).findFirst().orElse(null));
        List<RegionId> targets = new ArrayList<>();
        if (r.has("targets")) {
            for (String name : r.strings("targets")) {
                RegionId target = region(r, "targets", name, regions);
                if (target != null && target.equals(source)) {
                    r.problem("targets", "'" + name + "' is the source region; a region cannot replicate to itself");
                } else if (target != null && !targets.contains(target)) {
                    targets.add(target);
                }
            }
        } else {
            regions.keySet().stream().filter(id -> !id.equals(source)).sorted().forEach(targets::add);
        }
        if (targets.isEmpty() && !regions.isEmpty()) {
            r.problem("targets", "required: at least one region other than the source to replicate to");
        }
        Set<StoreKind> stores = new LinkedHashSet<>();
        List<RegionConfig> involved = new ArrayList<>();
        if (source != null && regions.containsKey(source)) {
            involved.add(regions.get(source));
        }
        targets.stream().map(regions::get).forEach(involved::add);
        if (r.has("stores")) {
            for (String name : r.strings("stores")) {
                Optional<StoreKind> store = StoreKind.parse(name);
                if (store.isEmpty()) {
                    r.problem("stores", "unknown store '" + name + "'; stores are " + StoreKind.names());
                    continue;
                }
                involved.stream().filter(c -> !c.has(store.get())).forEach(c -> r.problem("stores",
                        name + " is replicated but region " + c.id() + " has no " + name + " configured"));
                stores.add(store.get());
            }
        } else {
            for (StoreKind store : StoreKind.values()) {
                if (!involved.isEmpty() && involved.stream().allMatch(c -> c.has(store))) {
                    stores.add(store);
                }
            }
        }
        if (stores.isEmpty() && !involved.isEmpty()) {
            r.problem("stores", "nothing to replicate: no store is configured in the source and every target");
        }
        ReplicationConfig.ConflictConfig strategy = readConflicts(r);
        Duration keepResolved = r.object("conflicts", false).map(c -> {
            Duration days = Duration.ofDays(c.integer("keepResolvedDays", 90, 1, 36_500));
            c.rejectUnknown();
            return days;
        }).orElse(ReplicationConfig.ConflictConfig.DEFAULT_KEEP_RESOLVED);
        ReplicationConfig.ConflictConfig conflicts = new ReplicationConfig.ConflictConfig(strategy.strategy(),
                strategy.timestampField(), keepResolved);
        ReplicationConfig.Health health = r.object("health", false).map(h -> {
            int degraded = h.integer("degradedLagSeconds", 60, 1, 86_400);
            int failed = h.integer("failedLagSeconds", 300, 1, 86_400);
            if (failed <= degraded) {
                h.problem("failedLagSeconds", "must be larger than degradedLagSeconds (" + degraded + ")");
            }
            h.rejectUnknown();
            return new ReplicationConfig.Health(Duration.ofSeconds(degraded), Duration.ofSeconds(failed));
        }).orElse(new ReplicationConfig.Health(Duration.ofMinutes(1), Duration.ofMinutes(5)));
        int checkpointSeconds = r.integer("checkpointIntervalSeconds", 5, 1, 3_600);
        ReplicationConfig.Mongo mongoDefaults = ReplicationConfig.Mongo.DEFAULTS;
        ReplicationConfig.Mongo mongo = r.object("mongodb", false).map(m -> {
            String database = m.string("metadataDatabase", mongoDefaults.metadataDatabase());
            if (!RegionsReader.DATABASE.matcher(database).matches()) {
                m.problem("metadataDatabase", "'" + database + "' is not a valid MongoDB database name");
            }
            if (stores.contains(StoreKind.MONGODB)) {
                involved.stream().flatMap(c -> c.mongodb().stream()).filter(c -> c.databases().contains(database))
                        .findFirst().ifPresent(c -> m.problem("metadataDatabase",
                                "'" + database + "' is also a replicated database; choose a database of its own"));
            }
            ReplicationConfig.Mongo c = new ReplicationConfig.Mongo(database,
                    m.integer("batchSize", mongoDefaults.batchSize(), 1, 10_000),
                    Duration.ofMillis(m.integer("lingerMs", (int) mongoDefaults.linger().toMillis(), 0, 1_000)));
            m.rejectUnknown();
            return c;
        }).orElse(mongoDefaults);
        ReplicationConfig.Redis redisDefaults = ReplicationConfig.Redis.DEFAULTS;
        ReplicationConfig.Redis redis = r.object("redis", false).map(m -> {
            int database = m.integer("metadataDatabase", redisDefaults.metadataDatabase(), 0, 15);
            if (stores.contains(StoreKind.REDIS)) {
                involved.stream().flatMap(c -> c.redis().stream()).filter(c -> c.databases().contains(database))
                        .findFirst().ifPresent(c -> m.problem("metadataDatabase",
                                database + " is also a replicated database; choose a database of its own"));
            }
            ReplicationConfig.Redis c = new ReplicationConfig.Redis(database,
                    Duration.ofSeconds(m.integer("reconcileIntervalSeconds",
                            (int) redisDefaults.reconcileInterval().toSeconds(), 1, 86_400)),
                    m.integer("batchSize", redisDefaults.batchSize(), 1, 10_000));
            m.rejectUnknown();
            return c;
        }).orElse(redisDefaults);
        if (stores.contains(StoreKind.REDIS) && !r.has("redis")) {
            involved.stream().flatMap(c -> c.redis().stream())
                    .filter(c -> c.databases().contains(redisDefaults.metadataDatabase())).findFirst()
                    .ifPresent(c -> r.problem("redis", "Redis database " + redisDefaults.metadataDatabase()
                            + " holds replication metadata by default but is "
                            + "also replicated; set redis.metadataDatabase to an unused database"));
        }
        ReplicationConfig.Influx influx = r.object("influxdb", false).map(m -> {
            ReplicationConfig.Influx c = new ReplicationConfig.Influx(
                    Duration.ofSeconds(m.integer("windowSeconds", 10, 1, 3_600)),
                    Duration.ofSeconds(m.integer("overlapSeconds", 60, 0, 86_400)));
            m.rejectUnknown();
            return c;
        }).orElse(new ReplicationConfig.Influx(Duration.ofSeconds(10), Duration.ofMinutes(1)));
        r.rejectUnknown();
        return new ReplicationConfig(enabled, source, targets, stores, conflicts, health,
                Duration.ofSeconds(checkpointSeconds), mongo, redis, influx);
    }

    /** {@code "conflictResolution": "manual"} or {@code {"strategy": "timestamp-based", "timestampField": "updatedAt"}}. */
    private static ReplicationConfig.ConflictConfig readConflicts(JsonObjectReader r) {
        ReplicationConfig.ConflictConfig defaults =
                new ReplicationConfig.ConflictConfig(ConflictStrategy.LAST_WRITE_WINS, "updatedAt");
        if (!r.has("conflictResolution")) {
            return defaults;
        }
        if (r.isText("conflictResolution")) {
            return new ReplicationConfig.ConflictConfig(strategy(r, "conflictResolution",
                    r.optionalString("conflictResolution").orElse("")), "updatedAt");
        }
        return r.object("conflictResolution", false).map(c -> {
            ConflictStrategy strategy = strategy(c, "strategy", c.string("strategy", ConflictStrategy.LAST_WRITE_WINS.id()));
            String field = c.string("timestampField", "updatedAt");
            if (field.startsWith("$") || field.equals("_id")) {
                c.problem("timestampField", "'" + field + "' cannot hold a change time; name a field such as updatedAt");
            }
            c.rejectUnknown();
            return new ReplicationConfig.ConflictConfig(strategy, field);
        }).orElse(defaults);
    }

    private static ConflictStrategy strategy(JsonObjectReader r, String key, String name) {
        if (name.isEmpty()) {
            return ConflictStrategy.LAST_WRITE_WINS; // reported as empty by the reader already
        }
        return ConflictStrategy.parse(name).orElseGet(() -> {
            r.problem(key, "unknown strategy '" + name + "'; strategies are " + ConflictStrategy.names());
            return ConflictStrategy.LAST_WRITE_WINS;
        });
    }

    private static RegionId region(JsonObjectReader r, String key, String name, Map<RegionId, RegionConfig> regions) {
        if (!RegionId.isValid(name) || !regions.containsKey(RegionId.of(name))) {
            r.problem(key, "unknown region '" + name + "'; configured regions are "
                    + String.join(", ", regions.keySet().stream().map(RegionId::value).sorted().toList()));
            return null;
        }
        return RegionId.of(name);
    }
}
