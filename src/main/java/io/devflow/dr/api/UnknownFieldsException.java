package io.devflow.dr.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.Collection;
import java.util.List;

/** A request body with fields its type does not have: all of them, where Jackson's own refusal names the first. */
public final class UnknownFieldsException extends UnrecognizedPropertyException {

    private final List<String> fields;

    UnknownFieldsException(JsonParser parser, Class<?> type, List<String> fields, Collection<Object> known) {
        super(parser, "unknown field(s) " + String.join(", ", fields) + " in " + type.getSimpleName(),
                parser.currentLocation(), type, fields.get(0), known);
        this.fields = List.copyOf(fields);
    }

    public List<String> fields() {
        return fields;
    }
}
