package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The optional body of {@code POST /api/retention}; only {@code "dryRun": false} deletes anything. */
public record RetentionRequest(
        @JsonPropertyDescription("true or false (default true: report what would be deleted, delete nothing; false: "
                + "delete, which needs the admin role)") Boolean dryRun) {
}
