package io.devflow.dr.replication.mongodb;

import io.devflow.dr.store.mongodb.MongoWrites;

import java.time.Instant;

/**
 * One collection's part of a batch, as the {@code write-target} step applies it.
 *
 * @param bytes the size of the documents written, for the counts
 * @param newest the source time of the newest change the part covers (skipped ones too), for the lag
 */
public record MongoApply(MongoWrites writes, long bytes, Instant newest) {
}
