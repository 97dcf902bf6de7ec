package io.devflow.dr.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.support.Json;

import java.util.Iterator;

/** The retention resource of the HTTP API. */
public final class OperationsApi {

    /** Parses {@code {"dryRun": true}} (an empty body means a real run). */
    public boolean dryRun(String body) {
        if (body == null || body.isBlank()) {
            return false;
        }
        JsonNode json;
        try {
            json = Json.readOne(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the request body is not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (json == null || !json.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object such as {\"dryRun\": true}");
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("dryRun")) {
                throw new ApiException(400, "unknown field " + field + "; a retention request has only dryRun");
            }
        }
        JsonNode dryRun = json.get("dryRun");
        if (dryRun != null && !dryRun.isBoolean()) {
            throw new ApiException(400, "dryRun must be true or false");
        }
        return dryRun != null && dryRun.booleanValue();
    }

    public String json(Object value) {
        return Json.pretty(value);
    }
}
