package io.devflow.dr.catalog;

import java.time.Instant;

/** Contents of {@code failure.json}: why a backup did not complete. */
public record FailureRecord(String id, String type, String store, String region, String trigger,
                            Instant startedAt, Instant failedAt, int attempts, String error) {
}
