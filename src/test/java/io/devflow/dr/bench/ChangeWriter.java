package io.devflow.dr.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.MongoConfig;
import io.devflow.dr.store.mongodb.MongoClientFactory;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.conversions.Bson;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The steady write load of the capture benchmark, in a process of its own: from {@code START} (epoch
 * milliseconds) for {@code SECONDS}, {@code RATE} operations a second on {@value StoreServers#DATABASE}.{@value
 * StoreServers#COLLECTION}: 25 % inserts of new documents, 45 % updates of a few fields, 10 % replacements
 * and 20 % deletes, each on one live document, so that every operation makes exactly one change event. Every
 * 10 ms it sends the operations then due as one ordered bulk write; when the server is slower than the rate the
 * batches grow (up to {@value #MAX_BATCH}) and the achieved rate shows the shortfall.
 * <pre>
 *   ChangeWriter CONFIG RATE START SECONDS
 * </pre>
 * Prints {@code RESULT mode=writer rate=... ops=... inserts=... updates=... replaces=... deletes=...
 * firstWriteMs=... lastWriteMs=... achievedRate=...} (times in epoch milliseconds, after each write returned).
 */
public final class ChangeWriter {

    private static final int TICK_MS = 10;
    private static final int MAX_BATCH = 1_000;
    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private final MongoCollection<BsonDocument> collection;
    private final Random random;
    private final BenchDocuments documents;
    private final List<BsonValue> live = new ArrayList<>();
    private long inserts;
    private long updates;
    private long replaces;
    private long deletes;

    private ChangeWriter(MongoCollection<BsonDocument> collection, long seed) {
        this.collection = collection;
        this.random = new Random(seed);
        this.documents = new BenchDocuments(seed);
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: ChangeWriter CONFIG RATE START SECONDS");
            System.exit(2);
        }
        try {
            MongoConfig mongo = ConfigLoader.system().load(Path.of(args[0])).primaryRegion().requireMongodb();
            int rate = Integer.parseInt(args[1]);
            long start = Long.parseLong(args[2]);
            long end = start + Long.parseLong(args[3]) * 1_000;
            try (MongoClient client = MongoClientFactory.create(mongo)) {
                MongoCollection<BsonDocument> collection = client.getDatabase(StoreServers.DATABASE)
                        .getCollection(StoreServers.COLLECTION, BsonDocument.class);
                new ChangeWriter(collection, start).run(rate, start, end);
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void run(int rate, long start, long end) throws InterruptedException {
        collection.find().projection(Projections.include("_id")).forEach(d -> live.add(d.get("_id")));
        Thread.sleep(Math.max(0, start - System.currentTimeMillis()));
        long ops = 0;
        long firstWrite = 0;
        long lastWrite = 0;
        for (long now = System.currentTimeMillis(); now < end; now = System.currentTimeMillis()) {
            long due = Math.min(rate * (now - start) / 1_000 - ops, MAX_BATCH);
            if (due > 0) {
                List<WriteModel<BsonDocument>> batch = new ArrayList<>((int) due);
                for (int i = 0; i < due; i++) {
                    batch.add(operation());
                }
                collection.bulkWrite(batch);
                ops += due;
                lastWrite = System.currentTimeMillis();
                firstWrite = firstWrite == 0 ? lastWrite : firstWrite;
            }
            Thread.sleep(Math.max(0, TICK_MS - (System.currentTimeMillis() - now)));
        }
        System.out.printf(Locale.ROOT, "RESULT mode=writer rate=%d ops=%d inserts=%d updates=%d replaces=%d deletes=%d "
                        + "firstWriteMs=%d lastWriteMs=%d achievedRate=%.0f%n", rate, ops, inserts, updates, replaces,
                deletes, firstWrite, lastWrite, ops * 1_000.0 / (end - start));
    }

    /** One operation of the mix, on a live document (a deleted one is never touched again). */
    private WriteModel<BsonDocument> operation() {
        int roll = random.nextInt(100);
        if (roll < 25 || live.isEmpty()) {
            RawBsonDocument document = documents.next();
            live.add(document.get("_id"));
            inserts++;
            return new InsertOneModel<>(document);
        }
        int index = random.nextInt(live.size());
        Bson byId = Filters.eq("_id", live.get(index));
        if (roll < 70) {
            updates++;
            return new UpdateOneModel<>(byId, Updates.combine(
                    Updates.set("status", BenchDocuments.STATUSES[random.nextInt(BenchDocuments.STATUSES.length)]),
                    Updates.set("durationMs", 5_000 + random.nextInt(900_000)),
                    Updates.set("updatedAt", new Date()),
                    Updates.inc("revision", 1)));
        }
        if (roll < 80) {
            BsonDocument replacement = documents.next().decode(CODEC);
            replacement.put("_id", live.get(index));
            replaces++;
            return new ReplaceOneModel<>(byId, replacement);
        }
        // swap-remove: order does not matter, picks are random
        live.set(index, live.get(live.size() - 1));
        live.remove(live.size() - 1);
        deletes++;
        return new DeleteOneModel<>(byId);
    }
}
