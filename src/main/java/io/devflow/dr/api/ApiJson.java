package io.devflow.dr.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The mapper the REST binding reads request bodies and writes answers with: the project's {@link Json#MAPPER}, so
 * answers look like every other JSON this tool writes (instants as ISO-8601 text, no nulls), made strict about
 * what callers send. A field the body's type does not have, a value of the wrong type ({@code 1} for a string,
 * {@code "true"} for a boolean) or text after the JSON value is refused rather than guessed at, and the refusal
 * of unknown fields names all of them. {@link RequestBodies} turns these refusals into messages.
 */
public final class ApiJson {

    /** The unknown fields of the object being read (a per-call attribute of the deserialization). */
    private static final Object UNKNOWN_FIELDS = new Object();

    public static final ObjectMapper MAPPER = Json.MAPPER.rebuild()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // numbers and booleans are read as text even with scalar coercion off
            .withCoercionConfig(LogicalType.Textual, text -> text
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addHandler(new CollectUnknownFields())
            .addModule(new SimpleModule("api-unknown-fields").setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription bean,
                                                              JsonDeserializer<?> deserializer) {
                    return new RefuseUnknownFields(deserializer);
                }
            }))
            .build();

    private ApiJson() {
    }

    /** Notes an unknown field and reads on, where Jackson would stop at the first. */
    private static final class CollectUnknownFields extends DeserializationProblemHandler {

        @Override
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                                             JsonDeserializer<?> deserializer, Object beanOrClass, String field)
                throws IOException {
            @SuppressWarnings("unchecked")
            List<String> unknown = (List<String>) context.getAttribute(UNKNOWN_FIELDS);
            if (unknown == null) {
                return false;
            }
            unknown.add(field);
            parser.skipChildren();
            return true;
        }
    }

    /** Refuses an object that had unknown fields, naming them, once it has been read. */
    private static final class RefuseUnknownFields extends DelegatingDeserializer {

        RefuseUnknownFields(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new RefuseUnknownFields(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            Object enclosing = context.getAttribute(UNKNOWN_FIELDS);
            List<String> unknown = new ArrayList<>();
            context.setAttribute(UNKNOWN_FIELDS, unknown);
            Object value;
            try {
                value = super.deserialize(parser, context);
            } finally {
                context.setAttribute(UNKNOWN_FIELDS, enclosing);
            }
            if (!unknown.isEmpty()) {
                throw new UnknownFieldsException(parser, handledType(), unknown, getKnownPropertyNames());
            }
            return value;
        }
    }
}
