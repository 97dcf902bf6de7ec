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
import io.devflow.dr.region.MongoClientFactory;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.conversions.Bson;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   ChangeWriter CONFIG RATE START SECONDS [OP_LOG]
 * </pre>
 * Prints {@code RESULT mode=writer rate=... ops=... inserts=... updates=... replaces=... deletes=...
 * firstWriteMs=... lastWriteMs=... achievedRate=...} (times in epoch milliseconds, after each write returned).
 * <p>With {@code OP_LOG} (the replication-lag benchmark) every insert, update and replacement also sets
 * {@value #STAMP} to the operation's number (1, 2, ... in the order written), and at the end the writer saves
 * one line per operation to {@code OP_LOG}: {@code number kind id returnedMs} (kind {@code I U R D}, the
 * document's {@code _id} as JSON, the time its bulk write returned), so that an observer can tell when each
 * operation became visible. The file appears whole (written aside, then moved). The RESULT line then adds the
 * bulk writes' round trips: {@code writeP50Ms=... writeP99Ms=... writeMaxMs=...}.
 */
public final class ChangeWriter {

    private static final int TICK_MS = 10;
    private static final int MAX_BATCH = 1_000;
    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();
    /** The field that carries an operation's number when the operations are logged. */
    static final String STAMP = "benchOp";

    private final MongoCollection<BsonDocument> collection;
    private final Random random;
    private final BenchDocuments documents;
    private final List<BsonValue> live = new ArrayList<>();
    private long inserts;
    private long updates;
    private long replaces;
    private long deletes;
    // with an operation log: per operation its kind and document, and when its bulk write returned
    private final boolean stamped;
    private final StringBuilder kinds = new StringBuilder();
    private final List<BsonValue> ids = new ArrayList<>();
    private long[] returned = new long[1 << 16];
    private long number;
    private final List<Long> writeMillis = new ArrayList<>();

    private ChangeWriter(MongoCollection<BsonDocument> collection, long seed, boolean stamped) {
        this.collection = collection;
        this.stamped = stamped;
        this.random = new Random(seed);
        this.documents = new BenchDocuments(seed);
    }

    public static void main(String[] args) {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: ChangeWriter CONFIG RATE START SECONDS [OP_LOG]");
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
                Path opLog = args.length == 5 ? Path.of(args[4]) : null;
                ChangeWriter writer = new ChangeWriter(collection, start, opLog != null);
                writer.run(rate, start, end);
                if (opLog != null) {
                    writer.saveLog(opLog);
                }
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
                long sent = System.currentTimeMillis();
                collection.bulkWrite(batch);
                ops += due;
                lastWrite = System.currentTimeMillis();
                if (stamped) {
                    writeMillis.add(lastWrite - sent);
                    if (returned.length < ops) {
                        returned = Arrays.copyOf(returned, (int) Math.max(ops, returned.length * 2L));
                    }
                    Arrays.fill(returned, (int) (ops - due), (int) ops, lastWrite);
                }
                firstWrite = firstWrite == 0 ? lastWrite : firstWrite;
            }
            Thread.sleep(Math.max(0, TICK_MS - (System.currentTimeMillis() - now)));
        }
        String latency = "";
        if (stamped) {
            // the round trips of the bulk writes: how far an observer may see an operation before its write returned
            long[] sorted = writeMillis.stream().mapToLong(Long::longValue).sorted().toArray();
            latency = String.format(Locale.ROOT, " writeP50Ms=%d writeP99Ms=%d writeMaxMs=%d", nearestRank(sorted, 50),
                    nearestRank(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        }
        System.out.printf(Locale.ROOT, "RESULT mode=writer rate=%d ops=%d inserts=%d updates=%d replaces=%d deletes=%d "
                        + "firstWriteMs=%d lastWriteMs=%d achievedRate=%.0f%s%n", rate, ops, inserts, updates, replaces,
                deletes, firstWrite, lastWrite, ops * 1_000.0 / (end - start), latency);
    }

    private static long nearestRank(long[] sorted, int percentile) {
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

    /** Numbers the next operation, of this kind on this document. */
    private long logged(char kind, BsonValue id) {
        kinds.append(kind);
        ids.add(id);
        return ++number;
    }

    private void saveLog(Path opLog) throws IOException {
        Path pending = opLog.resolveSibling(opLog.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(pending)) {
            for (int i = 0; i < number; i++) {
                out.write((i + 1) + " " + kinds.charAt(i) + " " + new BsonDocument("_id", ids.get(i)).toJson()
                        + " " + returned[i] + "\n");
            }
        }
        Files.move(pending, opLog, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** One operation of the mix, on a live document (a deleted one is never touched again). */
    private WriteModel<BsonDocument> operation() {
        int roll = random.nextInt(100);
        if (roll < 25 || live.isEmpty()) {
            RawBsonDocument document = documents.next();
            live.add(document.get("_id"));
            inserts++;
            if (stamped) {
                BsonDocument decoded = document.decode(CODEC);
                decoded.put(STAMP, new BsonInt64(logged('I', decoded.get("_id"))));
                return new InsertOneModel<>(decoded);
            }
            return new InsertOneModel<>(document);
        }
        int index = random.nextInt(live.size());
        BsonValue id = live.get(index);
        Bson byId = Filters.eq("_id", id);
        if (roll < 70) {
            updates++;
            Bson update = Updates.combine(
                    Updates.set("status", BenchDocuments.STATUSES[random.nextInt(BenchDocuments.STATUSES.length)]),
                    Updates.set("durationMs", 5_000 + random.nextInt(900_000)),
                    Updates.set("updatedAt", new Date()),
                    Updates.inc("revision", 1));
            if (stamped) {
                update = Updates.combine(update, Updates.set(STAMP, logged('U', id)));
            }
            return new UpdateOneModel<>(byId, update);
        }
        if (roll < 80) {
            BsonDocument replacement = documents.next().decode(CODEC);
            replacement.put("_id", id);
            if (stamped) {
                replacement.put(STAMP, new BsonInt64(logged('R', id)));
            }
            replaces++;
            return new ReplaceOneModel<>(byId, replacement);
        }
        // swap-remove: order does not matter, picks are random
        live.set(index, live.get(live.size() - 1));
        live.remove(live.size() - 1);
        deletes++;
        if (stamped) {
            logged('D', id);
        }
        return new DeleteOneModel<>(byId);
    }
}
