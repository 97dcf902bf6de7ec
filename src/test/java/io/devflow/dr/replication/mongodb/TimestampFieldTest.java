package io.devflow.dr.replication.mongodb;

import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code timestamp-based} reads the configured field of a MongoDB document. */
class TimestampFieldTest {

    private static final Instant UPDATED = Instant.parse("2026-01-27T10:30:01.250Z");

    private final TimestampField updatedAt = field("updatedAt");

    @Test
    void shouldReadDatesTimestampsEpochMillisecondsAndIsoStrings() {
        assertThat(fieldTime(new BsonDateTime(UPDATED.toEpochMilli()))).isEqualTo(UPDATED);
        assertThat(fieldTime(new BsonInt64(UPDATED.toEpochMilli()))).isEqualTo(UPDATED);
        assertThat(fieldTime(new BsonDouble(UPDATED.toEpochMilli()))).isEqualTo(UPDATED);
        assertThat(fieldTime(new BsonInt32(86_400_000))).isEqualTo(Instant.parse("1970-01-02T00:00:00Z"));
        assertThat(fieldTime(new BsonString("2026-01-27T10:30:01.250Z"))).isEqualTo(UPDATED);
        assertThat(fieldTime(new BsonTimestamp((int) UPDATED.getEpochSecond(), 7)))
                .isEqualTo(Instant.parse("2026-01-27T10:30:01Z"));
    }

    @Test
    void shouldHaveNoTimeForAValueThatIsNotATime() {
        assertThat(fieldTime(new BsonString("yesterday"))).isNull();
        assertThat(fieldTime(new BsonString("2026-01-27"))).isNull();
        assertThat(fieldTime(new BsonBoolean(true))).isNull();
        assertThat(fieldTime(new BsonDocument("at", new BsonDateTime(UPDATED.toEpochMilli())))).isNull();
        assertThat(fieldTime(BsonNull.VALUE)).isNull();
    }

    @Test
    void shouldHaveNoTimeWithoutTheFieldOrWithoutADocument() {
        assertThat(updatedAt.of(raw(new BsonDocument("_id", new BsonInt32(1))))).isNull();
        assertThat(updatedAt.of(null)).isNull();
    }

    @Test
    void shouldReadTheConfiguredFieldOnly() {
        BsonDocument document = new BsonDocument("updatedAt", new BsonDateTime(0))
                .append("modifiedAt", new BsonDateTime(UPDATED.toEpochMilli()));

        assertThat(field("modifiedAt").of(raw(document))).isEqualTo(UPDATED);
        assertThat(updatedAt.of(raw(document))).isEqualTo(Instant.EPOCH);
    }

    @Test
    void shouldReachIntoEmbeddedDocumentsWithADottedName() {
        BsonDocument document = new BsonDocument("_id", new BsonInt32(1)).append("meta",
                new BsonDocument("updatedAt", new BsonDateTime(UPDATED.toEpochMilli())).append("tag", new BsonString("x")));

        assertThat(field("meta.updatedAt").of(raw(document))).isEqualTo(UPDATED);
        assertThat(field("meta.missing").of(raw(document))).isNull();
        assertThat(field("meta.tag.deeper").of(raw(document))).as("a path through a non-document").isNull();
    }

    private Instant fieldTime(BsonValue value) {
        return updatedAt.of(raw(new BsonDocument("_id", new BsonInt32(1)).append("updatedAt", value)));
    }

    private static RawBsonDocument raw(BsonDocument document) {
        return new RawBsonDocument(document, new BsonDocumentCodec());
    }

    private static TimestampField field(String name) {
        return new TimestampField(name);
    }
}
