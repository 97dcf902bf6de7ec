package io.devflow.dr.drill;

import com.mongodb.client.MongoCollection;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.support.Remote;
import org.bson.Document;

import java.time.Clock;
import java.util.Date;

/**
 * MongoDB's replication canary: a document with the drill's id in the collection {@code dr_drill} of the source's
 * first database. The collection stays, empty, after the drill: replication follows collections by name, and one
 * dropped and made again is not followed until a new initial sync.
 */
final class MongoReplicationCanary implements ReplicationCanary {

    static final String COLLECTION = "dr_drill";

    private final RegionDirectory regions;
    private final RegionId databaseOf;
    private final Clock clock;

    /** @param databaseOf the region whose first configured database is the replicated one the canary goes into */
    MongoReplicationCanary(RegionDirectory regions, RegionId databaseOf, Clock clock) {
        this.regions = regions;
        this.databaseOf = databaseOf;
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.MONGODB;
    }

    @Override
    public String write(RegionId region, String drillId) {
        Remote.run("writing the replication canary into " + region, () -> collection(region)
                .insertOne(new Document("_id", drillId).append("at", Date.from(clock.instant()))));
        return database() + "." + COLLECTION;
    }

    @Override
    public boolean present(RegionId region, String drillId) {
        return collection(region).find(new Document("_id", drillId)).first() != null;
    }

    @Override
    public void remove(RegionId region, String drillId) {
        Remote.run("removing the replication canary from " + region,
                () -> collection(region).deleteOne(new Document("_id", drillId)));
    }

    private String database() {
        return regions.get(databaseOf).config().requireMongodb().databases().get(0);
    }

    private MongoCollection<Document> collection(RegionId region) {
        return regions.get(region).mongo().getDatabase(database()).getCollection(COLLECTION);
    }
}
