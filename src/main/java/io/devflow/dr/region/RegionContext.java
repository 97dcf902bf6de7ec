package io.devflow.dr.region;

import com.mongodb.client.MongoClient;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.storage.S3Clients;
import io.devflow.dr.storage.S3ObjectStore;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One region's clients, created on first use so that a command touching only one region works while the
 * other is unreachable.
 */
public final class RegionContext implements AutoCloseable {

    private final RegionConfig config;
    private volatile S3ObjectStore objectStore;
    private volatile MongoClient mongo;

    public RegionContext(RegionConfig config) {
        this.config = config;
    }

    /** For tests and the embedded environment: a store built elsewhere. */
    public RegionContext(RegionConfig config, S3ObjectStore objectStore) {
        this(config);
        this.objectStore = objectStore;
    }

    public RegionId id() {
        return config.id();
    }

    public RegionConfig config() {
        return config;
    }

    public S3ObjectStore objectStore() {
        S3ObjectStore store = objectStore;
        if (store == null) {
            synchronized (this) {
                if (objectStore == null) {
                    objectStore = new S3ObjectStore(S3Clients.create(config.storage()), config.storage().bucket(),
                            config.storage().location());
                }
                store = objectStore;
            }
        }
        return store;
    }

    /** The S3 client under the object store, shared with the Camel aws2-s3 endpoints of this region. */
    public S3Client s3() {
        return objectStore().client();
    }

    public MongoClient mongo() {
        MongoClient client = mongo;
        if (client == null) {
            synchronized (this) {
                if (mongo == null) {
                    mongo = MongoClientFactory.create(config.requireMongodb());
                }
                client = mongo;
            }
        }
        return client;
    }

    /** The region's MongoDB as it may be shown: URL with its password masked. */
    public String mongoDisplay() {
        return "MongoDB " + config.id() + " (" + config.requireMongodb().url().display() + ")";
    }

    @Override
    public synchronized void close() {
        if (mongo != null) {
            mongo.close();
            mongo = null;
        }
        if (objectStore != null) {
            objectStore.close();
            objectStore.client().close();
            objectStore = null;
        }
    }
}
