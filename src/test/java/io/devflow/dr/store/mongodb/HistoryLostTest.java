package io.devflow.dr.store.mongodb;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import io.devflow.dr.support.RemoteOperationException;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A change stream the oplog can no longer resume is explained as what it means for the backups. */
class HistoryLostTest {

    private static final ChangePosition FROM = ChangePosition.at(new BsonTimestamp(1_700_000_000, 7));

    @Test
    void shouldExplainAnOplogThatNoLongerReachesThePreviousSegment() {
        RuntimeException failure = new RemoteOperationException("opening the change stream of devflow.orders on MongoDB 10.0.0.5:27017 failed",
                new MongoCommandException(new BsonDocument("ok", new BsonDouble(0)).append("code", new BsonInt32(286))
                        .append("errmsg", new BsonString("Resume of change stream was not possible, as the resume point may no longer be in the oplog.")),
                        new ServerAddress("10.0.0.5", 27017)), false);

        assertThat(MongoChangeSource.historyLost(failure, "MongoDB 10.0.0.5:27017", "devflow.orders", FROM))
                .hasValueSatisfying(e -> assertThat(e.getMessage())
                        .startsWith("the oplog of MongoDB 10.0.0.5:27017 no longer reaches 1700000000.7, where the previous "
                                + "segment of devflow.orders ended: the changes since then are in no backup")
                        .contains("dr backup --type full").contains("backup.incremental.segmentMinutes"));
    }

    @Test
    void shouldLeaveOtherFailuresAsTheyAre() {
        RuntimeException failure = new RemoteOperationException("opening the change stream failed",
                new MongoCommandException(new BsonDocument("ok", new BsonDouble(0)).append("code", new BsonInt32(13))
                        .append("errmsg", new BsonString("not authorized")), new ServerAddress()), false);

        assertThat(MongoChangeSource.historyLost(failure, "MongoDB x", "devflow.orders", FROM)).isEmpty();
    }
}
