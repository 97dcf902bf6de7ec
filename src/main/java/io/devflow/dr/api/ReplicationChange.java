package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The optional body of {@code POST /api/replication/start} and {@code /stop}; without a store, every one. */
public record ReplicationChange(@JsonPropertyDescription("a string such as \"mongodb\"") String store) {
}
