package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One region's version of a conflicting record, as kept with the conflict for review and audit.
 *
 * @param exists false when the record was deleted in that region
 * @param content the record in a lossless JSON form (MongoDB: canonical Extended JSON; Redis: type, TTL and
 *                the serialized value), null when deleted
 * @param changedAt when the region last changed the record, when it is known
 * @param fieldTime the value of the configured timestamp field ({@code timestamp-based}), when there is one
 * @param sha256 digest of the stored form, which tells versions apart
 */
public record RecordVersion(boolean exists, JsonNode content, Instant changedAt, Instant fieldTime, String sha256) {

    public static RecordVersion deleted(Instant changedAt) {
        return new RecordVersion(false, null, changedAt, null, null);
    }
}
