package io.devflow.dr.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The optional body of {@code POST /api/tests}: which drills to run. No body or {} runs them all. */
public record TestRequestBody(
        @JsonPropertyDescription("a string: \"backup\", \"replication\", \"failover\", \"recovery-time\" or \"all\" "
                + "(the default)") String type) {
}
