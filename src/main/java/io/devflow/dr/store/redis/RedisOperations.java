package io.devflow.dr.store.redis;

import io.devflow.dr.archive.Fingerprint;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.store.ParallelWrites;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Redis: full snapshots only (an hourly incremental is a new full); point-in-time = newest snapshot before T. */
public final class RedisOperations implements StoreOperations {

    private final Clock clock;

    public RedisOperations(Clock clock) {
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.REDIS;
    }

    @Override
    public boolean isConfigured(RegionConfig region) {
        return region.redis().isPresent();
    }

    @Override
    public boolean supportsIncremental() {
        return false;
    }

    /** Scratch restores would need a spare logical database on the production server; none is assumed. */
    @Override
    public boolean supportsScratchRestore(RegionConfig region) {
        return false;
    }

    @Override
    public List<String> databases(RegionConfig region) {
        return region.requireRedis().databases().stream().map(String::valueOf).toList();
    }

    @Override
    public Extraction full(RegionContext region, Instant startedAt) {
        RedisConfig redis = region.config().requireRedis();
        RedisSnapshotSource source = new RedisSnapshotSource(new RedisConnections(redis), redis.databases(), clock);
        String databases = redis.databases().stream().map(String::valueOf).collect(Collectors.joining(","));
        return new Extraction(source, Map.of("databases", databases), Map.of(), Map::of, () -> startedAt);
    }

    @Override
    public Extraction incremental(RegionContext region, Manifest parent, Instant startedAt, Instant until) {
        throw new UnsupportedOperationException("Redis backups are full snapshots");
    }

    @Override
    public Restorer restorer(RegionContext target, Manifest backup, UnaryOperator<String> databaseMapping, Instant cutoff,
                             Map<String, String> after) {
        return new RedisRestorer(new RedisConnections(target.config().requireRedis()), databaseMapping, clock,
                ParallelWrites.DEFAULT_WORKERS);
    }

    /** Each logical database as a backup reads it, every key in {@link #restoredForm}. */
    @Override
    public List<SectionSummary> fingerprint(RegionContext region, Map<String, String> databases) {
        RedisConnections connections = new RedisConnections(region.config().requireRedis());
        List<SectionSummary> result = new ArrayList<>();
        databases.forEach((source, target) -> {
            try (RedisSnapshotSource keys = new RedisSnapshotSource(connections, List.of(Integer.parseInt(target)), clock)) {
                Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();
                for (SourceRecord record = keys.next(); record != null; record = keys.next()) {
                    if (record instanceof SourceRecord.Item item) {
                        accumulator.add(restoredForm(item.bytes()));
                    }
                }
                result.add(new SectionSummary(RedisSnapshotSource.section(Integer.parseInt(source)), accumulator.count(),
                        accumulator.bytes(), accumulator.fingerprint()));
            }
        });
        return result;
    }

    /**
     * A key is restored with the time it had left to live, so its absolute expiry moves by the milliseconds the restore
     * took: the restored form keeps whether a key expires, not when.
     */
    @Override
    public byte[] restoredForm(byte[] item) {
        RedisEntry entry = RedisEntry.decode(item);
        return new RedisEntry(entry.key(), entry.expireAtMillis() == RedisEntry.NO_EXPIRY ? RedisEntry.NO_EXPIRY : 0,
                entry.dump()).encode();
    }

    @Override
    public boolean restoresItemsAsArchived() {
        return false;
    }

    /** FLUSHDB of each logical database. */
    @Override
    public void empty(RegionContext region, List<String> databases) {
        RedisConnections connections = new RedisConnections(region.config().requireRedis());
        for (String database : databases) {
            int number = Integer.parseInt(database);
            Remote.run("flushing database " + number + " of " + connections.display(), () -> {
                try (Jedis jedis = connections.open(number)) {
                    jedis.flushDB();
                }
            });
        }
    }

    @Override
    public void drop(RegionContext region, String database) {
        throw new UnsupportedOperationException("Redis has no scratch databases to drop");
    }
}
