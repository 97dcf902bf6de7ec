package io.devflow.dr.store.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.TruncatedArray;
import com.mongodb.client.model.changestream.UpdateDescription;
import io.devflow.dr.embedded.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Update events as a change stream describes them, captured into a segment's form and replayed onto a real
 * server: the replayed document is the one the source ended with.
 */
class MongoChangeReplayIT {

    private EmbeddedMongo mongo;
    private MongoClient client;
    private MongoCollection<Document> items;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory();
        client = MongoClients.create(mongo.connectionString());
        items = client.getDatabase("shop").getCollection("items");
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void shouldTruncateArraysBeforeSettingTheUpdatedFields() {
        items.insertOne(new Document("_id", 1).append("tags", List.of("a", "b", "c", "d")).append("n", 1).append("gone", true));
        // as the server reports {$set: {tags: {$concatArrays: [{$slice: ["$tags", 1]}, ["B"]]}}, n: 2}, $unset: gone}
        UpdateDescription update = new UpdateDescription(List.of("gone"),
                new BsonDocument("tags.1", new BsonString("B")).append("n", new BsonInt32(2)),
                List.of(new TruncatedArray("tags", 2)));

        replay(event("update", update));

        assertThat(items.find().first()).isEqualTo(new Document("_id", 1).append("tags", List.of("a", "B")).append("n", 2));
    }

    @Test
    void shouldReplayAnUpdateWithoutTruncationsAsBefore() {
        items.insertOne(new Document("_id", 1).append("tags", List.of("a", "b")).append("n", 1));
        UpdateDescription update = new UpdateDescription(List.of(), new BsonDocument("tags.2", new BsonString("c")), List.of());

        replay(event("update", update));

        assertThat(items.find().first()).isEqualTo(new Document("_id", 1).append("tags", List.of("a", "b", "c")).append("n", 1));
    }

    private void replay(byte[] event) {
        MongoChangeReplayer replayer = new MongoChangeReplayer(client, "test", UnaryOperator.identity(), null, Map.of());
        replayer.sectionStart(MongoChangeSource.SECTION, null);
        replayer.item(event);
        replayer.sectionEnd(null);
        assertThat(replayer.result().skipped()).isZero();
    }

    private static byte[] event(String operation, UpdateDescription update) {
        ChangeStreamDocument<RawBsonDocument> event = new ChangeStreamDocument<>(operation, new BsonDocument("_data", new BsonString("01")),
                new BsonDocument("db", new BsonString("shop")).append("coll", new BsonString("items")), null, null,
                null, null, new BsonDocument("_id", new BsonInt32(1)), new BsonTimestamp(1_700_000_000, 1), update,
                null, null, null, null, null);
        return MongoChangeSource.encode("shop.items", event);
    }
}
