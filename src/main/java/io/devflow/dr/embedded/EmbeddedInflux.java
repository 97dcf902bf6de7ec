package io.devflow.dr.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * InfluxDB 1.x ({@code influxd} from the PATH, e.g. Debian's {@code influxdb} package) on loopback, with its
 * meta, data and WAL directories under a directory of ours, usage reporting off and only the HTTP API on.
 */
public final class EmbeddedInflux implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private EmbeddedInflux(File influxd, Path directory, int port, int rpcPort) throws IOException, InterruptedException {
        this.port = port == 0 ? freePort() : port;
        Files.createDirectories(directory);
        Path config = directory.resolve("influxdb.conf");
        Files.writeString(config, """
                reporting-disabled = true
                bind-address = "127.0.0.1:%d"

                [meta]
                  dir = "%s"

                [data]
                  dir = "%s"
                  wal-dir = "%s"
                  query-log-enabled = false

                [http]
                  enabled = true
                  bind-address = "127.0.0.1:%d"
                  auth-enabled = false
                  log-enabled = false

                [monitor]
                  store-enabled = false

                [subscriber]
                  enabled = false

                [continuous_queries]
                  enabled = false
                """.formatted(rpcPort == 0 ? freePort() : rpcPort, directory.resolve("meta"), directory.resolve("data"), directory.resolve("wal"),
                this.port), StandardCharsets.UTF_8);
        this.log = directory.resolve("influxd.log");
        this.process = new ProcessBuilder(influxd.getAbsolutePath(), "-config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(Duration.ofSeconds(30));
    }

    /** The {@code influxd} executable on the PATH, if any. */
    public static Optional<File> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).map(dir -> new File(dir, "influxd")).filter(File::canExecute).findFirst();
    }

    /**
     * @throws IllegalStateException when influxd is not installed (install Debian's influxdb package)
     */
    public static EmbeddedInflux start(Path directory, int port) {
        return start(directory, port, 0);
    }

    /** As {@link #start(Path, int)}, with the port of influxd's backup service too (0 picks a free one). */
    public static EmbeddedInflux start(Path directory, int port, int rpcPort) {
        File influxd = executable().orElseThrow(() -> new IllegalStateException(
                "influxd is not on the PATH; install InfluxDB 1.x (Debian: apt-get install influxdb)"));
        try {
            return new EmbeddedInflux(influxd, directory, port, rpcPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start influxd under " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting influxd", e);
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("influxd exited with " + process.exitValue() + ": " + tail());
            }
            try {
                HttpURLConnection ping = (HttpURLConnection) URI.create(url() + "/ping").toURL().openConnection();
                ping.setConnectTimeout(500);
                if (ping.getResponseCode() == 204) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("influxd did not answer on port " + port + " within " + timeout.toSeconds() + " s: " + tail());
    }

    private String tail() throws IOException {
        String text = Files.exists(log) ? Files.readString(log) : "";
        return text.length() > 500 ? text.substring(text.length() - 500) : text;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
