package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The optional body of {@code POST /api/retention}; without a body the policy is applied for real. */
public record RetentionRequest(
        @JsonPropertyDescription("true or false (true: report what would be deleted, delete nothing)") boolean dryRun) {
}
