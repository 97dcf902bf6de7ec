package io.devflow.dr.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MongoDB wire-protocol server (mongo-java-server) on loopback, backed by an H2 file or by memory, with
 * its oplog on so change streams work.
 */
public final class EmbeddedMongo implements AutoCloseable {

    private final H2Backend backend;
    private final MongoServer server;
    private final InetSocketAddress address;

    private EmbeddedMongo(H2Backend backend, int port) {
        this.backend = backend;
        this.server = new MongoServer(backend);
        server.enableOplog();
        server.bind("127.0.0.1", port);
        this.address = server.getLocalAddress();
    }

    /** Data kept in {@code file} across restarts; {@code port} 0 picks a free one. */
    public static EmbeddedMongo onFile(Path file, int port) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + file.getParent(), e);
        }
        return new EmbeddedMongo(new H2Backend(file.toString()), port);
    }

    public static EmbeddedMongo inMemory() {
        return inMemory(0);
    }

    /** An empty in-memory server on {@code port} (0 picks a free one), as a server that lost its data comes back. */
    public static EmbeddedMongo inMemory(int port) {
        return new EmbeddedMongo(H2Backend.inMemory(), port);
    }

    public int port() {
        return address.getPort();
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + port();
    }

    /** Stops accepting connections and drops the open ones, like a crashed server. Data stays on disk. */
    public void kill() {
        server.shutdownNow();
    }

    @Override
    public void close() {
        server.shutdownNow();
        backend.close();
    }
}
