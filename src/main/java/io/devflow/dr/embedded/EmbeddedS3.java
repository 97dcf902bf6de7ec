package io.devflow.dr.embedded;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An S3-compatible server (s3proxy) on loopback, storing objects as files under a directory, with AWS
 * signature v4 authentication and one bucket.
 */
public final class EmbeddedS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "dr-embedded";

    private final S3Proxy proxy;
    private final FilesystemNio2BlobStore blobStore;
    private final String bucket;
    private final String secretKey;
    private final int port;

    private EmbeddedS3(Path directory, String bucket, String secretKey, int requestedPort) throws Exception {
        Files.createDirectories(directory);
        this.blobStore = new FilesystemNio2BlobStore(directory.toAbsolutePath().toString());
        this.bucket = bucket;
        this.secretKey = secretKey;
        this.proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, secretKey)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start within 10 s (state " + proxy.getState() + ")");
            }
            Thread.sleep(10);
        }
        this.port = proxy.getPort();
        if (!blobStore.containerExists(bucket)) {
            blobStore.createContainer(bucket);
        }
    }

    /**
     * Starts a server storing under {@code directory}; {@code port} 0 picks a free one.
     *
     * @param secretKey the signing secret clients must use with {@link #ACCESS_KEY}
     */
    public static EmbeddedS3 start(Path directory, String bucket, String secretKey, int port) {
        try {
            return new EmbeddedS3(directory, bucket, secretKey, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start s3proxy under " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting s3proxy", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public String bucket() {
        return bucket;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop cleanly", e);
        }
    }
}
