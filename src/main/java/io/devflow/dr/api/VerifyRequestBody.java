package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The optional body of {@code POST /api/backups/{id}/verify}: how deeply to check; quick without a body. */
public record VerifyRequestBody(@JsonPropertyDescription("a string, \"quick\" (the default) or \"full\"") String level) {
}
