package io.devflow.dr.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import org.bson.BsonBinarySubType;
import org.bson.BsonJavaScript;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Random;

/**
 * Documents covering the BSON types, and byte-level comparison of collections. The deprecated DBPointer and
 * JavaScript-with-scope types and binary subtype 5 are left out: mongo-java-server, the test server, rejects them.
 */
public final class BsonSamples {

    /** A string that must never appear in the clear in any stored object. */
    public static final String CANARY = "plaintext-canary-5f1e0c2d";

    private BsonSamples() {
    }

    public static Document everyType(int i) {
        byte[] blob = new byte[32];
        new Random(i).nextBytes(blob);
        return new Document("_id", new ObjectId())
                .append("string", "document " + i + " " + CANARY)
                .append("int32", i)
                .append("int64", 10_000_000_000L + i)
                .append("double", i / 3.0)
                .append("decimal", new Decimal128(new BigDecimal("12345678901234567890.123456789").add(BigDecimal.valueOf(i))))
                .append("bool", i % 2 == 0)
                .append("null", null)
                .append("date", new Date(1_700_000_000_000L + i * 1000L))
                .append("timestamp", new BsonTimestamp(1_700_000_000 + i, i))
                .append("binary", new Binary(BsonBinarySubType.BINARY, blob))
                .append("uuid", new Binary(BsonBinarySubType.UUID_STANDARD, Arrays.copyOf(blob, 16)))
                .append("regex", new BsonRegularExpression("^doc-" + i + "$", "im"))
                .append("code", new BsonJavaScript("function() { return " + i + "; }"))
                .append("minKey", new BsonMinKey())
                .append("maxKey", new BsonMaxKey())
                .append("undefined", new BsonUndefined())
                .append("objectId", new ObjectId())
                .append("array", List.of(1, "two", 3.0, List.of(4, List.of(5)), new Document("six", 6)))
                .append("nested", new Document("a", new Document("b", new Document("c", List.of(new Date(0), i)))));
    }

    /** A document of about {@code bytes} bytes of incompressible binary. */
    public static Document large(int bytes, long seed) {
        byte[] payload = new byte[bytes];
        new Random(seed).nextBytes(payload);
        return new Document("_id", new ObjectId()).append("kind", "large").append("payload", new Binary(payload));
    }

    /** Every document's exact bytes, in _id order. */
    public static List<ByteBuffer> rawDocuments(MongoClient client, String database, String collection) {
        MongoCollection<RawBsonDocument> c = client.getDatabase(database).getCollection(collection, RawBsonDocument.class);
        List<ByteBuffer> result = new ArrayList<>();
        for (RawBsonDocument d : c.find().sort(Sorts.ascending("_id"))) {
            ByteBuffer buffer = d.getByteBuffer().asNIO();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            result.add(ByteBuffer.wrap(bytes));
        }
        return result;
    }
}
