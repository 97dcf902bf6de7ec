package io.devflow.dr.store.mongodb;

import com.mongodb.client.MongoClient;
import io.devflow.dr.support.Remote;
import org.bson.Document;
import org.bson.RawBsonDocument;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Naming and byte access shared by extraction, restore and fingerprinting. */
public final class MongoSections {

    private MongoSections() {
    }

    public static String name(String database, String collection) {
        return database + "." + collection;
    }

    /** The collection a failover's canary writes to and empties again: never backed up, captured or replicated. */
    public static final String CANARY_COLLECTION = "dr_canary";

    public static boolean isBackedUp(String collection) {
        return !collection.startsWith("system.") && !CANARY_COLLECTION.equals(collection);
    }

    /**
     * The collections of a database that are backed up, captured and replicated, in name order, as the server
     * lists them (name, type, options): views, {@code system.} collections and the canary's are left out.
     */
    public static List<Document> collections(MongoClient client, String database, String server) {
        List<Document> listed = Remote.execute("listing collections of " + database + " on " + server,
                () -> client.getDatabase(database).listCollections().into(new ArrayList<>()));
        return listed.stream()
                .filter(c -> !"view".equals(c.getString("type")))
                .filter(c -> isBackedUp(c.getString("name")))
                .sorted(Comparator.comparing(c -> c.getString("name")))
                .toList();
    }

    /** The document's exact BSON bytes, as the server sent them. */
    public static byte[] bytes(RawBsonDocument document) {
        ByteBuffer buffer = document.getByteBuffer().asNIO();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
