package io.devflow.dr.embedded;

import redis.embedded.RedisServer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Redis server on loopback: {@code redis-server} from the PATH when there is one, otherwise the binary
 * bundled with embedded-redis. With a data directory it keeps an append-only file there across restarts.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(Path dataDir, int port) throws IOException {
        this.port = port == 0 ? freePort() : port;
        var builder = RedisServer.newRedisServer().port(this.port).bind("127.0.0.1").setting("protected-mode yes");
        Optional<File> local = onPath();
        if (local.isPresent()) {
            builder.executableProvider(local::get);
        }
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            builder.setting("dir " + dataDir.toAbsolutePath()).setting("appendonly yes").setting("save \"\"");
        } else {
            builder.setting("appendonly no").setting("save \"\"");
        }
        this.server = builder.build();
        server.start();
    }

    public static EmbeddedRedis start(Path dataDir, int port) {
        try {
            return new EmbeddedRedis(dataDir, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Redis on 127.0.0.1:" + port, e);
        }
    }

    public static EmbeddedRedis inMemory() {
        return start(null, 0);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    private static Optional<File> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).map(dir -> new File(dir, "redis-server"))
                .filter(File::canExecute).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + " did not stop cleanly", e);
        }
    }
}
