package io.devflow.dr.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;

/**
 * An operator's answer to a conflict: {@code source}, {@code target}, or a JSON version of the record.
 *
 * @param custom the operator's version (for {@link Decision#CUSTOM})
 */
public record Resolution(Decision decision, JsonNode custom) {

    public static Resolution parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.equals("source")) {
            return new Resolution(Decision.SOURCE, null);
        }
        if (trimmed.equals("target")) {
            return new Resolution(Decision.TARGET, null);
        }
        if (!trimmed.startsWith("{")) {
            throw new InvalidRequestException("resolve a conflict with source, target or a JSON object of the record, "
                    + "not '" + abbreviate(trimmed) + "'");
        }
        try {
            JsonNode node = Json.readOne(trimmed);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("the resolution must be one JSON object");
            }
            return new Resolution(Decision.CUSTOM, node);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the resolution is not valid JSON: " + Json.describe(e));
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
