package io.devflow.dr.store.mongodb;

import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.config.MongoConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.store.ParallelWrites;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * MongoDB: full backups copy every collection; incrementals are segments of the change streams, and a full
 * backup records the oplog position it started at so that segments can be replayed over it to any instant.
 */
public final class MongoOperations implements StoreOperations {

    private final Clock clock;
    private final Predicate<RegionId> stopping;

    /**
     * @param stopping true for a region once its open change-capture segment is to close early instead of running
     *                 to its deadline (the process is shutting down, or the region is no longer the active one)
     */
    public MongoOperations(Clock clock, Predicate<RegionId> stopping) {
        this.clock = clock;
        this.stopping = stopping;
    }

    @Override
    public StoreKind store() {
        return StoreKind.MONGODB;
    }

    @Override
    public boolean isConfigured(RegionConfig region) {
        return region.mongodb().isPresent();
    }

    @Override
    public boolean supportsIncremental() {
        return true;
    }

    @Override
    public List<String> databases(RegionConfig region) {
        return region.requireMongodb().databases();
    }

    @Override
    public Extraction full(RegionContext region, Instant startedAt) {
        MongoConfig mongo = region.config().requireMongodb();
        ChangePosition start = ChangePosition.current(region.mongo(), region.mongoDisplay());
        MongoSnapshotSource source = new MongoSnapshotSource(region.mongo(), region.mongoDisplay(), mongo.databases(), clock);
        // the copy reflects every write made before its last collection was read to the end
        return new Extraction(source, Map.of("databases", String.join(",", mongo.databases())),
                Map.of(ChangePosition.ALL_STREAMS, start.encode()), Map::of,
                () -> source.finishedAt() != null ? source.finishedAt() : clock.instant());
    }

    @Override
    public Extraction incremental(RegionContext region, Manifest parent, Instant startedAt, Instant until) {
        MongoConfig mongo = region.config().requireMongodb();
        Map<String, String> from = "full".equals(parent.type()) ? parent.positions().start() : parent.positions().end();
        MongoChangeSource source = new MongoChangeSource(region.mongo(), region.mongoDisplay(), mongo.databases(),
                ChangePosition.decodeAll(from), until, () -> stopping.test(region.id()), clock);
        return new Extraction(source, Map.of("databases", String.join(",", mongo.databases())), from,
                source::endPositions, source::coveredUntil);
    }

    @Override
    public Restorer restorer(RegionContext target, Manifest backup, UnaryOperator<String> databaseMapping, Instant cutoff,
                             Map<String, String> after) {
        if ("full".equals(backup.type())) {
            return new MongoRestorer(target.mongo(), target.mongoDisplay(), databaseMapping, ParallelWrites.DEFAULT_WORKERS);
        }
        return new MongoChangeReplayer(target.mongo(), target.mongoDisplay(), databaseMapping, cutoff,
                ChangePosition.decodeAll(after));
    }

    /**
     * Segments chain across full backups, so an increment continues from a full backup when every collection's
     * stream starts at or before the position the full backup started copying from.
     */
    @Override
    public boolean continuesFrom(Manifest increment, Manifest full) {
        if (full.id().equals(increment.parent())) {
            return true;
        }
        ChangePosition fullStart = ChangePosition.decode(full.positions().start().get(ChangePosition.ALL_STREAMS));
        return increment.positions().start().values().stream()
                .map(ChangePosition::decode)
                .noneMatch(position -> position.isAfter(fullStart));
    }

    @Override
    public boolean fullIsConsistent() {
        return false;
    }

    @Override
    public Map<String, String> heldBy(Manifest full) {
        return full.positions().start();
    }

    @Override
    public List<SectionSummary> fingerprint(RegionContext region, Map<String, String> databases) {
        List<SectionSummary> result = new ArrayList<>();
        databases.forEach((source, scratch) -> {
            for (SectionSummary s : MongoFingerprints.ofDatabase(region.mongo(), scratch)) {
                String collection = s.name().substring(scratch.length() + 1);
                result.add(new SectionSummary(source + "." + collection, s.items(), s.bytes(), s.fingerprint()));
            }
        });
        return result;
    }

    @Override
    public void drop(RegionContext region, String database) {
        Remote.run("dropping database " + database + " on " + region.mongoDisplay(),
                () -> region.mongo().getDatabase(database).drop());
    }

    @Override
    public void empty(RegionContext region, List<String> databases) {
        databases.forEach(database -> drop(region, database));
    }
}
