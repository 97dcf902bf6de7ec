package io.devflow.dr.embedded;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.devflow.dr.drill.ScratchNames;
import io.devflow.dr.verification.BackupVerifier;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

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

    /**
     * Removes from the oplog the history of the scratch databases this tool creates and drops again (restore
     * verification's {@code dr_verify_*}, drills' {@code dr_drill_*}), and returns how many entries went. A real
     * {@code mongod} caps its oplog; this server keeps every entry and reads all of them for every change-stream
     * read, so each demo run's verification (about 10,700 entries) made every later read slower: after six runs
     * in one data directory an empty read took 2-3.5 s, and health checks of the server timed out toward an
     * automatic failover (decision 68). Nothing follows these databases, so no change stream loses a position.
     * Call it before any change stream is open.
     */
    public long forgetScratchHistory() {
        Pattern scratch = Pattern.compile("^(" + Pattern.quote(BackupVerifier.SCRATCH_PREFIX) + "|"
                + Pattern.quote(ScratchNames.PREFIX) + ")");
        try (MongoClient client = MongoClients.create(connectionString())) {
            return client.getDatabase("local").getCollection("oplog.rs")
                    .deleteMany(Filters.regex("ns", scratch)).getDeletedCount();
        }
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
