package io.devflow.dr.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Mac;
import io.devflow.dr.support.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * The stored form of a control-plane document: {@code {"format":2,"mac":"...","document":{...}}}, where the MAC
 * (HMAC-SHA256 under the deployment's control key) covers the document's bytes exactly as stored. The document
 * names its own path, revision, the writer's epoch and the writer, so none of them can be changed, and a document
 * cannot be moved to another path, without the key. Documents of the previous format carry no MAC.
 */
final class SealedDocument {

    static final int FORMAT = 2;

    /** A document's fields, as signed. */
    record Body(String path, long revision, long epoch, String writer, Instant updatedAt, JsonNode content) {

        StateDocument document() {
            return new StateDocument(path, revision, updatedAt, content);
        }
    }

    /** What a stored copy turned out to be. */
    sealed interface Decoded permits Verified, Rejected {
    }

    record Verified(Body body) implements Decoded {
    }

    /**
     * A copy that is not used.
     *
     * @param unsigned true for a document of the previous format (no MAC), which {@code dr control adopt} can sign
     * @param legacy   the unsigned document's fields, for adoption
     */
    record Rejected(String reason, boolean unsigned, Body legacy) implements Decoded {
    }

    private SealedDocument() {
    }

    static byte[] encode(Body body, Mac mac) {
        ObjectNode document = Json.MAPPER.createObjectNode();
        document.put("path", body.path());
        document.put("revision", body.revision());
        document.put("epoch", body.epoch());
        document.put("writer", body.writer());
        document.put("updatedAt", body.updatedAt().toString());
        document.set("content", body.content());
        byte[] signed = Json.bytes(document);
        String tag;
        try {
            tag = Base64.getEncoder().encodeToString(mac.computeMac(signed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign control state " + body.path() + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(signed.length + 96);
        out.writeBytes(("{\"format\":" + FORMAT + ",\"mac\":\"" + tag + "\",\"document\":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(signed);
        out.write('}');
        return out.toByteArray();
    }

    static Decoded decode(String path, byte[] stored, Mac mac) {
        String tag = null;
        int start = -1;
        int end = -1;
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(stored)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Rejected("not a JSON object", false, null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("mac") && value == JsonToken.VALUE_STRING) {
                    tag = parser.getText();
                } else if (field.equals("document") && value == JsonToken.START_OBJECT) {
                    start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    end = (int) parser.currentLocation().getByteOffset();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Rejected("not readable JSON", false, null);
        }
        if (tag == null || start < 0) {
            return legacy(path, stored);
        }
        byte[] signed = Arrays.copyOfRange(stored, start, end);
        try {
            mac.verifyMac(Base64.getDecoder().decode(tag), signed);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Rejected("its MAC does not match (altered, or not signed with this deployment's control key)",
                    false, null);
        }
        Body body;
        try {
            JsonNode node = Json.MAPPER.readTree(signed);
            body = new Body(node.path("path").asText(), node.path("revision").asLong(), node.path("epoch").asLong(),
                    node.path("writer").asText(), Instant.parse(node.path("updatedAt").asText()), node.get("content"));
        } catch (IOException | RuntimeException e) {
            return new Rejected("signed but not a control document", false, null);
        }
        if (!body.path().equals(path)) {
            return new Rejected("it was signed for " + body.path(), false, null);
        }
        if (body.revision() < 1 || body.epoch() < 0 || body.content() == null) {
            return new Rejected("signed but incomplete", false, null);
        }
        return new Verified(body);
    }

    /** A document of the format before signatures: {@code {"revision", "updatedAt", "content"}}. */
    private static Decoded legacy(String path, byte[] stored) {
        try {
            JsonNode node = Json.MAPPER.readTree(stored);
            if (node.has("revision") && node.has("content") && !node.has("mac")) {
                Body body = new Body(path, Math.max(1, node.path("revision").asLong()), 0, "unsigned",
                        Instant.parse(node.path("updatedAt").asText()), node.get("content"));
                return new Rejected("it is not signed (written before control-plane documents were signed; "
                        + "'dr control adopt' signs such documents after review)", true, body);
            }
        } catch (IOException | RuntimeException e) {
            return new Rejected("not readable JSON", false, null);
        }
        return new Rejected("it is not signed", false, null);
    }
}
