package io.devflow.dr.drill;

import com.mongodb.client.MongoCollection;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.store.redis.ReservedKeys;
import io.devflow.dr.support.Remote;
import org.bson.Document;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A failover drill's proof that a region's stores take writes, made where nothing reads it: MongoDB and InfluxDB a new
 * database {@code dr_drill_<tag>_promote}, Redis a key under the reserved prefix (replication passes over it) that
 * expires by itself after ten minutes. Each is written, read back, and removed by {@link #remove}.
 */
public final class ScratchWrites {

    private static final long REDIS_EXPIRY_SECONDS = 600;

    private final RegionDirectory regions;
    private final Clock clock;

    public ScratchWrites(RegionDirectory regions, Clock clock) {
        this.regions = regions;
        this.clock = clock;
    }

    /** What a write left, to remove: a database or a key. */
    public record Written(StoreKind store, RegionId region, String name, String where) {
    }

    /** Writes and reads back; what was created is removed again when the read fails. */
    public Written write(StoreKind store, RegionId region, String drillId) {
        RegionContext context = regions.get(region);
        String database = ScratchNames.PREFIX + DrillRecords.scratchTag(drillId) + "_promote";
        return switch (store) {
            case MONGODB -> mongo(context, database, drillId);
            case REDIS -> redis(context, drillId);
            case INFLUXDB -> influx(context, database);
        };
    }

    public void remove(Written written) {
        RegionContext context = regions.get(written.region());
        switch (written.store()) {
            case MONGODB -> Remote.run("dropping " + written.where(), () -> context.mongo().getDatabase(written.name()).drop());
            case REDIS -> {
                try (Jedis jedis = redisConnection(context)) {
                    Remote.run("deleting " + written.where(), () -> jedis.del(written.name()));
                }
            }
            case INFLUXDB -> new InfluxHttp(context.config().requireInfluxdb())
                    .execute("DROP DATABASE " + InfluxHttp.identifier(written.name()));
        }
    }

    private Written mongo(RegionContext context, String database, String drillId) {
        if (context.mongo().listDatabaseNames().into(new ArrayList<>()).contains(database)) {
            throw new IllegalStateException("database " + database + " exists already on " + context.id());
        }
        Written written = new Written(StoreKind.MONGODB, context.id(), database, "mongodb database " + database + " on "
                + context.id());
        try {
            MongoCollection<Document> collection = context.mongo().getDatabase(database).getCollection("promote");
            Document document = new Document("_id", drillId).append("at", Date.from(clock.instant()));
            collection.insertOne(document);
            if (!document.equals(collection.find(new Document("_id", drillId)).first())) {
                throw new IllegalStateException("the document written to " + database + " did not read back equal");
            }
            return written;
        } catch (RuntimeException e) {
            removeQuietly(written, e);
            throw e;
        }
    }

    private Written redis(RegionContext context, String drillId) {
        String key = ReservedKeys.PREFIX + "drill:" + drillId;
        Written written = new Written(StoreKind.REDIS, context.id(), key, "redis key " + key + " on " + context.id());
        try (Jedis jedis = redisConnection(context)) {
            jedis.set(key, drillId, SetParams.setParams().ex(REDIS_EXPIRY_SECONDS));
            if (!drillId.equals(jedis.get(key))) {
                throw new IllegalStateException("the key " + key + " did not read back equal");
            }
            return written;
        } catch (RuntimeException e) {
            removeQuietly(written, e);
            throw e;
        }
    }

    private Written influx(RegionContext context, String database) {
        InfluxHttp http = new InfluxHttp(context.config().requireInfluxdb());
        List<String> existing = new ArrayList<>();
        http.series(context.config().requireInfluxdb().databases().get(0), "SHOW DATABASES")
                .forEach(series -> series.path("values").forEach(row -> existing.add(row.path(0).asText())));
        if (existing.contains(database)) {
            throw new IllegalStateException("database " + database + " exists already on " + context.id());
        }
        Written written = new Written(StoreKind.INFLUXDB, context.id(), database, "influxdb database " + database + " on "
                + context.id());
        try {
            http.execute("CREATE DATABASE " + InfluxHttp.identifier(database));
            http.write(database, List.of("promote value=1i " + clock.millis() * 1_000_000));
            long points = http.series(database, "SELECT \"value\" FROM \"promote\"").stream()
                    .mapToLong(series -> series.path("values").size()).sum();
            if (points != 1) {
                throw new IllegalStateException(points + " points read back from " + database + ", not 1");
            }
            return written;
        } catch (RuntimeException e) {
            removeQuietly(written, e);
            throw e;
        }
    }

    private void removeQuietly(Written written, RuntimeException cause) {
        try {
            remove(written);
        } catch (RuntimeException again) {
            cause.addSuppressed(again);
        }
    }

    private static Jedis redisConnection(RegionContext context) {
        return new RedisConnections(context.config().requireRedis()).open(context.config().requireRedis().databases().get(0));
    }
}
