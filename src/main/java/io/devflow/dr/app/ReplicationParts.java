package io.devflow.dr.app;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.ConflictCipher;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.metrics.ReplicationMetrics;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationDrain;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.replication.StoreReplication;
import io.devflow.dr.replication.influxdb.InfluxReplication;
import io.devflow.dr.replication.mongodb.MongoReplication;
import io.devflow.dr.replication.redis.RedisReplication;
import io.devflow.dr.retention.ConflictRetention;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Replication's part of the object graph, built by {@link DrServices}: the service and its control and drain when
 * the configuration has a replication block (all null otherwise), and the retention of resolved conflicts.
 */
record ReplicationParts(ReplicationService replication, ReplicationDrain handover, ReplicationControl control,
                        ConflictRetention conflictRetention) {

    static ReplicationParts of(Optional<ReplicationConfig> configured, RegionDirectory regions, StateStore state,
                               ConflictCipher cipher, AuditLog audit, MeterRegistry meters, Supplier<RegionId> active,
                               Clock clock) {
        if (configured.isEmpty()) {
            return new ReplicationParts(null, null, null, new ConflictRetention(Optional.empty(), Duration.ZERO, clock));
        }
        ReplicationConfig config = configured.get();
        ConflictStore conflicts = new ConflictStore(state, cipher);
        Checkpoints checkpoints = new Checkpoints(state, config.checkpointInterval(), clock);
        ProgressBoard progress = new ProgressBoard(clock);
        ReplicationService replication = new ReplicationService(config,
                replications(config, regions, conflicts, checkpoints, progress, clock), conflicts, state, audit,
                new ReplicationMetrics(meters), progress, active, clock);
        return new ReplicationParts(replication, new ReplicationDrain(replication, clock),
                new ReplicationControl(config, state, audit, clock),
                new ConflictRetention(Optional.of(conflicts), config.conflicts().keepResolved(), clock));
    }

    /** The replication of each store the configuration replicates. */
    private static Map<StoreKind, StoreReplication<?, ?, ?, ?, ?>> replications(
            ReplicationConfig config, RegionDirectory regions, ConflictStore conflicts, Checkpoints checkpoints,
            ProgressBoard progress, Clock clock) {
        Map<StoreKind, StoreReplication<?, ?, ?, ?, ?>> replications = new EnumMap<>(StoreKind.class);
        if (config.replicates(StoreKind.MONGODB)) {
            replications.put(StoreKind.MONGODB, new MongoReplication(regions, config, conflicts, checkpoints, progress, clock));
        }
        if (config.replicates(StoreKind.REDIS)) {
            replications.put(StoreKind.REDIS, new RedisReplication(regions, config, conflicts, checkpoints, progress, clock));
        }
        if (config.replicates(StoreKind.INFLUXDB)) {
            replications.put(StoreKind.INFLUXDB, new InfluxReplication(regions, config, checkpoints, progress, clock));
        }
        return replications;
    }
}
