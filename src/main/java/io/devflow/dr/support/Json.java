package io.devflow.dr.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/** The one JSON mapper for records written by this tool (catalog files, CLI and API output). */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(InstantReader.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** The parser's notes on its input and on where its limits are set, which say nothing to a person. */
    private static final Pattern PARSER_NOTES = Pattern.compile(
            "\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)|\\[Source:[^\\]]*\\]|, from `[^`]*`");

    private Json() {
    }

    /**
     * What is wrong with JSON text a person wrote, for that person: where (line and column, when the parser knows)
     * and what. A refusal for exceeding a limit of the reader (nesting depth, length of a value) has no place.
     */
    public static String describe(JsonProcessingException failure) {
        String what = PARSER_NOTES.matcher(failure.getOriginalMessage()).replaceAll("").replaceAll("\\s+", " ").strip();
        JsonLocation at = failure.getLocation();
        return at == null || at.getLineNr() < 1 ? what : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + what;
    }

    /**
     * Reads one JSON value from text a person wrote (a conflict resolution): anything after the value
     * is an error, where {@code readTree} would silently drop it. Null when the text holds no value.
     */
    public static JsonNode readOne(String text) throws JsonProcessingException {
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node != null && parser.nextToken() != null) {
                throw new JsonParseException(parser, "unexpected text after the JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
