package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The body of {@code POST /api/failovers}; {@link FailoverApi#request} checks the values. */
public record FailoverRequestBody(
        @JsonPropertyDescription("a string naming the configured region to make active, such as \"us-west-2\"") String target,
        @JsonPropertyDescription("a string: why, in the operator's words (required)") String reason,
        @JsonPropertyDescription("a boolean: go on although replication lag exceeds the RPO (default false)") Boolean force,
        @JsonPropertyDescription("a boolean: answer the plan only, change nothing (default false)") Boolean dryRun) {
}
