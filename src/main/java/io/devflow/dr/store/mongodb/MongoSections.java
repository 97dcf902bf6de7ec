package io.devflow.dr.store.mongodb;

import org.bson.RawBsonDocument;

import java.nio.ByteBuffer;

/** Naming and byte access shared by extraction, restore and fingerprinting. */
public final class MongoSections {

    private MongoSections() {
    }

    public static String name(String database, String collection) {
        return database + "." + collection;
    }

    public static boolean isBackedUp(String collection) {
        return !collection.startsWith("system.");
    }

    /** The document's exact BSON bytes, as the server sent them. */
    public static byte[] bytes(RawBsonDocument document) {
        ByteBuffer buffer = document.getByteBuffer().asNIO();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
