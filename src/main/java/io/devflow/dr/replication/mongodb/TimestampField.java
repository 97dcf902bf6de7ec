package io.devflow.dr.replication.mongodb;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The configured timestamp field ({@code timestamp-based}) of a MongoDB document as an instant: dates,
 * timestamps, epoch milliseconds and ISO-8601 strings. A dotted name ({@code meta.updatedAt}) reaches into
 * embedded documents, as in a MongoDB query.
 */
final class TimestampField {

    private final String[] path;

    TimestampField(String field) {
        this.path = field.split("\\.");
    }

    /** The field's time; null without a document, without the field, or when its value is not a time. */
    Instant of(RawBsonDocument document) {
        if (document == null) {
            return null;
        }
        BsonValue value = document;
        for (String name : path) {
            if (!(value instanceof BsonDocument embedded) || (value = embedded.get(name)) == null) {
                return null;
            }
        }
        try {
            return switch (value.getBsonType()) {
                case DATE_TIME -> Instant.ofEpochMilli(value.asDateTime().getValue());
                case TIMESTAMP -> Instant.ofEpochSecond(value.asTimestamp().getTime());
                case INT64 -> Instant.ofEpochMilli(value.asInt64().getValue());
                case INT32 -> Instant.ofEpochMilli(value.asInt32().getValue());
                case DOUBLE -> Instant.ofEpochMilli((long) value.asDouble().getValue());
                case STRING -> Instant.parse(value.asString().getValue());
                default -> null;
            };
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
