package io.devflow.dr.failover.canary;

import com.mongodb.client.MongoCollection;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.mongodb.MongoSections;
import org.bson.Document;

import java.time.Clock;
import java.util.Date;
import java.util.UUID;

/**
 * MongoDB's canary: a document inserted into {@code dr_canary} of the region's first configured database, read back
 * equal and deleted. That collection is never backed up or replicated.
 */
public final class MongoCanary implements StoreCanary {

    private final RegionDirectory regions;
    private final Clock clock;

    public MongoCanary(RegionDirectory regions, Clock clock) {
        this.regions = regions;
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.MONGODB;
    }

    @Override
    public CanaryResult check(RegionId region) {
        long started = System.nanoTime();
        String database = regions.get(region).config().requireMongodb().databases().get(0);
        MongoCollection<Document> canaries = regions.get(region).mongo().getDatabase(database)
                .getCollection(MongoSections.CANARY_COLLECTION);
        Document canary = new Document("_id", "canary-" + UUID.randomUUID()).append("at", Date.from(clock.instant()));
        canaries.insertOne(canary);
        try {
            Document read = canaries.find(new Document("_id", canary.get("_id"))).first();
            if (!canary.equals(read)) {
                return Canaries.failed(store(), region, started, "the canary read back from " + database + "."
                        + MongoSections.CANARY_COLLECTION + " was " + read + ", not what was written");
            }
        } finally {
            canaries.deleteOne(new Document("_id", canary.get("_id")));
        }
        return Canaries.passed(store(), region, started, "inserted, read back and deleted in " + database + "."
                + MongoSections.CANARY_COLLECTION);
    }
}
