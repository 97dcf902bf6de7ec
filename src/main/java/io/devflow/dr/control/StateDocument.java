package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One document of the control-plane state.
 *
 * @param revision increases with every write; the copy with the highest revision is current
 */
public record StateDocument(String path, long revision, Instant updatedAt, JsonNode content) {
}
