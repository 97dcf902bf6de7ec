package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.RecordVersion;

/**
 * Both versions of a conflicting record, as the store describes them for the conflict's record: what the
 * strategy decides on, and what an operator reviews.
 */
public record ConflictVersions(Direction direction, StoreKind store, ConflictRecord record, RecordVersion source,
                               RecordVersion target) {
}
