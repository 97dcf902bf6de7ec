package io.devflow.dr.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a caller is told when the JSON body of a request does not fit its type. The REST binding reads bodies with
 * {@link ApiJson#MAPPER}; its refusals reach {@link ApiErrors}, which answers them through here with a 400.
 */
final class RequestBodies {

    /** An example of a body, and how to name the fields of a body that it does not have. */
    private record Shape(String example, Function<List<String>, String> unknownFields) {
    }

    private static final Map<Class<?>, Shape> SHAPES = Map.of(
            BackupRequestBody.class, new Shape("{\"type\":\"full\",\"store\":\"mongodb\"}",
                    fields -> "unknown field(s) " + String.join(", ", fields)
                            + "; a backup request has type, store and region"),
            RetentionRequest.class, new Shape("{\"dryRun\": true}",
                    fields -> unknown(fields) + "; a retention request has only dryRun"),
            ReplicationChange.class, new Shape("{\"store\": \"mongodb\"}",
                    fields -> unknown(fields) + " in a replication request; fields are store"),
            ConflictResolutionRequest.class, new Shape("{\"resolution\": \"source\"}",
                    fields -> unknown(fields) + " in a resolution request; fields are resolution"),
            FailoverRequestBody.class, new Shape("{\"target\": \"us-west-2\", \"reason\": \"drill\"}",
                    fields -> unknown(fields) + " in a failover request; fields are target, reason, force and dryRun"));

    /** Marks the refusal of text after the JSON value (Jackson has no exception type of its own for it). */
    private static final String TRAILING_TOKENS = "Trailing token";

    private RequestBodies() {
    }

    /** A request without the body it needs (the binding leaves an empty body unread). */
    static ApiException missing(Class<?> type) {
        Shape shape = SHAPES.get(type);
        return new ApiException(400, "the request body must be a JSON object"
                + (shape == null ? "" : " such as " + shape.example()));
    }

    /** Why the binding could not read a request body, as what to change. */
    static ApiException explain(JsonProcessingException failure) {
        if (failure instanceof UnrecognizedPropertyException unknown) {
            List<String> fields = unknown instanceof UnknownFieldsException all ? all.fields()
                    : List.of(unknown.getPropertyName());
            Shape shape = SHAPES.get(unknown.getReferringClass());
            return new ApiException(400, shape == null ? unknown(fields) : shape.unknownFields().apply(fields));
        }
        if (failure instanceof MismatchedInputException mismatch) {
            List<JsonMappingException.Reference> path = mismatch.getPath();
            if (!path.isEmpty()) {
                JsonMappingException.Reference field = path.get(path.size() - 1);
                return new ApiException(400, description(field).map(d -> field.getFieldName() + " must be " + d)
                        .orElse(field.getFieldName() + " has a value of the wrong type"));
            }
            if (mismatch.getOriginalMessage().startsWith(TRAILING_TOKENS)) {
                return new ApiException(400,
                        "the request body is not valid JSON: unexpected text after the JSON value");
            }
            return missing(mismatch.getTargetType());
        }
        return new ApiException(400, "the request body is not valid JSON: "
                + failure.getOriginalMessage().replaceAll("\\s+", " "));
    }

    private static String unknown(List<String> fields) {
        return (fields.size() == 1 ? "unknown field " : "unknown fields ") + String.join(", ", fields);
    }

    /** What the field holds, as the description of the field on the body's type says. */
    private static Optional<String> description(JsonMappingException.Reference field) {
        Object from = field.getFrom();
        if (from == null) {
            return Optional.empty();
        }
        Class<?> type = from instanceof Class<?> c ? c : from.getClass();
        BeanDescription body = ApiJson.MAPPER.getDeserializationConfig().introspect(ApiJson.MAPPER.constructType(type));
        return body.findProperties().stream()
                .filter(p -> p.getName().equals(field.getFieldName()))
                .map(p -> p.getMetadata().getDescription())
                .filter(Objects::nonNull)
                .findFirst();
    }
}
