package io.devflow.dr.store.mongodb;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.devflow.dr.support.RemoteOperationException;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the change feed decides without a server: which events end a stream, which failures mean lost history. */
class MongoChangeFeedTest {

    @Test
    void shouldEndAStreamOnlyWhenItsCollectionOrDatabaseGoes() {
        for (String op : List.of("drop", "rename", "dropDatabase", "invalidate")) {
            assertThat(MongoChangeFeed.isEndOfStream(event(op))).as(op).isTrue();
        }
        for (String op : List.of("insert", "update", "replace", "delete", "createIndexes")) {
            assertThat(MongoChangeFeed.isEndOfStream(event(op))).as(op).isFalse();
        }
    }

    @Test
    void shouldTellAnOplogThatNoLongerReachesAPositionFromOtherFailures() {
        for (int code : List.of(286, 280, 260)) {
            assertThat(MongoChangeFeed.isHistoryLost(failure(code))).as("code " + code).isTrue();
        }
        assertThat(MongoChangeFeed.isHistoryLost(failure(13))).isFalse();
        assertThat(MongoChangeFeed.isHistoryLost(new IllegalStateException("connection refused"))).isFalse();
    }

    @Test
    void shouldRefuseToStartWithoutAPositionForCollectionsThatAppearLater() {
        Map<String, ChangePosition> onlyOne = Map.of("shop.items", ChangePosition.at(new BsonTimestamp(1_700_000_000, 1)));

        assertThatThrownBy(() -> new MongoChangeFeed(null, "MongoDB x", List.of("shop"), onlyOne, (f, n, p) -> f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MongoDB x").hasMessageContaining("appear later");
    }

    private static RuntimeException failure(int code) {
        return new RemoteOperationException("opening the change stream failed", new MongoCommandException(
                new BsonDocument("ok", new BsonDouble(0)).append("code", new BsonInt32(code))
                        .append("errmsg", new BsonString("refused")), new ServerAddress()), false);
    }

    private static ChangeStreamDocument<RawBsonDocument> event(String operation) {
        return new ChangeStreamDocument<>(operation, new BsonDocument("_data", new BsonString("01")),
                new BsonDocument("db", new BsonString("shop")).append("coll", new BsonString("items")), null, null,
                null, null, null, new BsonTimestamp(1_700_000_000, 1), null, null, null, null, null, null);
    }
}
