package io.devflow.dr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.cli.DrMain;
import io.devflow.dr.support.Json;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code dr server} in a JVM of its own, started from the test's class path, as an operator would run it:
 * killed with SIGKILL, paused with SIGSTOP and resumed with SIGCONT like any process.
 */
public final class ServerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int port;

    private ServerProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code dr --config FILE server} with the repository's routes (as bin/dr does); its output goes to
     * {@code <name>.log} beside the configuration.
     */
    public static ServerProcess start(String name, Path config, int port) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Ddr.routes=file:" + Path.of("routes").toAbsolutePath(), "-cp", classPath,
                DrMain.class.getName(), "--config", config.toString(), "server"));
        builder.environment().put("DR_LOG_LEVEL", "INFO");
        builder.redirectErrorStream(true);
        builder.redirectOutput(config.resolveSibling(name + ".log").toFile());
        return new ServerProcess(name, builder.start(), port);
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process ends at once, as on a machine that dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: every thread stops where it is, as in a long pause. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: the paused process goes on from where it stopped. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** The data of the leadership check of GET /observe/health, when the server answers. */
    public Optional<JsonNode> leadership() {
        return get("/observe/health?data=true").map(health -> {
            for (JsonNode check : health.path("checks")) {
                if ("leadership".equals(check.path("name").asText())) {
                    return check.path("data");
                }
            }
            return null;
        });
    }

    public boolean leads() {
        return leadership().map(l -> "leader".equals(l.path("role").asText())).orElse(false);
    }

    /** The sum of a counter's samples on GET /observe/metrics (0 when the server has none). */
    public Optional<Double> counter(String name) {
        return text("/observe/metrics").map(metrics -> metrics.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum());
    }

    /** A call to the API with the test token. */
    public HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TestEnvironment.API_TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Optional<JsonNode> get(String path) {
        return text(path).map(text -> {
            try {
                return Json.MAPPER.readTree(text);
            } catch (IOException e) {
                return null;
            }
        });
    }

    private Optional<String> text(String path) {
        if (!process.isAlive()) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            // health answers 503 with the same body while a check is down
            return response.statusCode() == 200 || response.statusCode() == 503 ? Optional.of(response.body())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                resume();
            } catch (IOException | RuntimeException e) {
                // it may already be running
            }
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + File.separator + name + ".log)";
    }
}
