package io.devflow.dr.embedded;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.devflow.dr.drill.ScratchNames;
import io.devflow.dr.verification.BackupVerifier;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's MongoDB (mongo-java-server on an H2 file): what forgetting the scratch databases' history keeps. */
class EmbeddedMongoIT {

    @TempDir
    Path dir;

    @Test
    void shouldForgetOnlyTheScratchDatabasesHistoryAndKeepEveryPositionOfTheOthers() {
        Path file = dir.resolve("mongo.mv.db");
        BsonDocument afterFirst;
        try (EmbeddedMongo mongo = EmbeddedMongo.onFile(file, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> users = client.getDatabase("devflow").getCollection("users");
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = users.watch()
                    .maxAwaitTime(100, TimeUnit.MILLISECONDS).cursor()) {
                users.insertOne(new Document("_id", 1));
                afterFirst = next(stream).getResumeToken();
            }
            String verify = BackupVerifier.SCRATCH_PREFIX + "abc123_0";
            String drill = ScratchNames.PREFIX + "xyz789_promote";
            for (int i = 0; i < 50; i++) {
                client.getDatabase(verify).getCollection("users").insertOne(new Document("_id", i));
            }
            client.getDatabase(drill).getCollection("canary").insertOne(new Document("_id", "canary"));
            client.getDatabase(verify).drop();
            client.getDatabase(drill).drop();
            users.insertOne(new Document("_id", 2));
            users.insertOne(new Document("_id", 3));
            long scratchEntries = oplog(client, verify) + oplog(client, drill);
            long devflowEntries = oplog(client, "devflow");

            assertThat(mongo.forgetScratchHistory()).isEqualTo(scratchEntries).isGreaterThanOrEqualTo(51);

            assertThat(oplog(client, verify) + oplog(client, drill)).isZero();
            assertThat(oplog(client, "devflow")).isEqualTo(devflowEntries).isEqualTo(3);
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.onFile(file, 0);
             MongoClient client = MongoClients.create(mongo.connectionString());
             MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed = client.getDatabase("devflow")
                     .getCollection("users").watch()
                     .resumeAfter(afterFirst).maxAwaitTime(100, TimeUnit.MILLISECONDS).cursor()) {
            List<Object> ids = new ArrayList<>();
            ids.add(next(resumed).getDocumentKey().get("_id").asInt32().getValue());
            ids.add(next(resumed).getDocumentKey().get("_id").asInt32().getValue());

            assertThat(ids).as("a stream resumed after the first insert, once the file was opened again")
                    .containsExactly(2, 3);
            assertThat(mongo.forgetScratchHistory()).as("forgotten for good").isZero();
        }
    }

    private static long oplog(MongoClient client, String database) {
        return client.getDatabase("local").getCollection("oplog.rs")
                .countDocuments(new Document("ns", new Document("$regex", "^" + database + "\\.")));
    }

    private static ChangeStreamDocument<Document> next(MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream) {
        for (int i = 0; i < 100; i++) {
            ChangeStreamDocument<Document> event = stream.tryNext();
            if (event != null) {
                return event;
            }
        }
        throw new AssertionError("no change event within 100 reads");
    }
}
