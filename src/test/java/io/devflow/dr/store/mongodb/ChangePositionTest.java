package io.devflow.dr.store.mongodb;

import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

class ChangePositionTest {

    @Test
    void shouldTakeTheMajorityPointOfAReplicaSetMember() {
        // as a primary answers hello while its secondary lags: the majority point is behind the last write
        Document hello = new Document("isWritablePrimary", true).append("setName", "rs0")
                .append("lastWrite", new Document("opTime", new Document("ts", new BsonTimestamp(1_700_000_100, 4)).append("t", 3L))
                        .append("lastWriteDate", new Date(1_700_000_100_000L))
                        .append("majorityOpTime", new Document("ts", new BsonTimestamp(1_700_000_090, 2)).append("t", 3L))
                        .append("majorityWriteDate", new Date(1_700_000_090_000L)));

        assertThat(ChangePosition.majorityOpTime(hello)).isEqualTo(new BsonTimestamp(1_700_000_090, 2));
    }

    @Test
    void shouldHaveNoMajorityPointOutsideAReplicaSet() {
        assertThat(ChangePosition.majorityOpTime(new Document("isWritablePrimary", true).append("maxWireVersion", 21))).isNull();
        assertThat(ChangePosition.majorityOpTime(new Document("lastWrite", new Document("opTime", new Document())))).isNull();
    }

    @Test
    void shouldRoundTripItsManifestForm() {
        ChangePosition position = ChangePosition.at(new BsonTimestamp(1_700_000_090, 2));

        assertThat(ChangePosition.decode(position.encode())).isEqualTo(position);
        assertThat(position.next()).isEqualTo(new BsonTimestamp(1_700_000_090, 3));
    }
}
