package io.devflow.dr.store.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import io.devflow.dr.archive.Fingerprint;
import io.devflow.dr.archive.SectionSummary;
import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.List;

/** Count and fingerprint of live collections, computed the same way the archive computes them. */
public final class MongoFingerprints {

    private MongoFingerprints() {
    }

    public static SectionSummary of(MongoClient client, String database, String collection) {
        Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();
        try (MongoCursor<RawBsonDocument> cursor = client.getDatabase(database)
                .getCollection(collection, RawBsonDocument.class).find().batchSize(1_000).cursor()) {
            while (cursor.hasNext()) {
                accumulator.add(MongoSections.bytes(cursor.next()));
            }
        }
        return new SectionSummary(MongoSections.name(database, collection), accumulator.count(), accumulator.bytes(),
                accumulator.fingerprint());
    }

    /** Every backed-up collection of a database, in name order. */
    public static List<SectionSummary> ofDatabase(MongoClient client, String database) {
        List<String> names = client.getDatabase(database).listCollectionNames().into(new ArrayList<>());
        return names.stream().filter(MongoSections::isBackedUp).sorted()
                .map(name -> of(client, database, name)).toList();
    }
}
