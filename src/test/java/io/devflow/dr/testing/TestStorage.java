package io.devflow.dr.testing;

import io.devflow.dr.config.Secret;
import io.devflow.dr.config.StorageConfig;
import io.devflow.dr.embedded.EmbeddedS3;
import io.devflow.dr.storage.S3Clients;
import io.devflow.dr.storage.S3ObjectStore;

import java.nio.file.Path;
import java.util.Optional;

/** A real s3proxy on a free loopback port, and a client store for its bucket. */
public final class TestStorage implements AutoCloseable {

    public final EmbeddedS3 server;
    public final StorageConfig config;
    public final S3ObjectStore store;

    public TestStorage(Path directory, String bucket) {
        server = EmbeddedS3.start(directory, bucket, "test-secret-" + bucket, 0);
        config = configFor(server, "dr");
        store = new S3ObjectStore(S3Clients.create(config), bucket, config.location());
    }

    public static StorageConfig configFor(EmbeddedS3 server, String prefix) {
        return new StorageConfig("s3", server.bucket(), "us-east-1", Optional.of(server.endpoint()), prefix, true,
                Optional.of(Secret.literal("accessKeyId", EmbeddedS3.ACCESS_KEY)),
                Optional.of(Secret.literal("secretAccessKey", server.secretKey())));
    }

    @Override
    public void close() {
        store.close();
        store.client().close();
        server.close();
    }
}
