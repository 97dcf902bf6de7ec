package io.devflow.dr.store.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.support.Json;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Documents and ids as lossless JSON (canonical Extended JSON), and the digests that tell versions apart. */
public final class MongoJson {

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final String ID_PREFIX = "{\"_id\": ";

    private MongoJson() {
    }

    /** An {@code _id} value as canonical Extended JSON, e.g. {@code {"$oid": "..."}} or {@code "abc"}. */
    public static String key(BsonValue id) {
        String json = new BsonDocument("_id", id).toJson(CANONICAL);
        return json.substring(ID_PREFIX.length(), json.length() - 1);
    }

    /** The {@code _id} value a key names. */
    public static BsonValue id(String key) {
        return BsonDocument.parse(ID_PREFIX + key + "}").get("_id");
    }

    public static JsonNode tree(RawBsonDocument document) {
        if (document == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(document.toJson(CANONICAL));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the document's exact bytes; null for a deleted record. */
    public static String digest(RawBsonDocument document) {
        if (document == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(MongoSections.bytes(document)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
