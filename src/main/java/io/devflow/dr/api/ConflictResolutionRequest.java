package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/conflicts/{id}/resolve}. The resolution is any JSON value to the binding, so that
 * {@link ReplicationApi#resolve} can tell a caller what it must be.
 */
public record ConflictResolutionRequest(
        @JsonPropertyDescription("\"source\", \"target\" or a JSON object: the record's new version (MongoDB only)")
        JsonNode resolution) {
}
