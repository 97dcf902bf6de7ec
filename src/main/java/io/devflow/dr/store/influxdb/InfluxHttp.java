package io.devflow.dr.store.influxdb;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.support.RemoteOperationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * InfluxDB's v1 HTTP API ({@code /query} with InfluxQL, {@code /write}, {@code /ping}), which InfluxDB 1.x,
 * 2.x (v1 compatibility) and 3.x all serve. Query results are streamed chunk by chunk ({@code chunked=true}),
 * so reading a measurement of any size holds one chunk at a time.
 */
public final class InfluxHttp {

    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.AUTO_CLOSE_SOURCE, true);
    static final int CHUNK_SIZE = 10_000;

    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final String display;

    public InfluxHttp(InfluxConfig config) {
        String url = config.url().reveal();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.timeout = config.timeout();
        if (config.token().isPresent()) {
            this.authorization = "Token " + config.token().get().reveal();
        } else if (config.username().isPresent()) {
            String pair = config.username().get().reveal() + ":" + config.password().orElseThrow().reveal();
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        } else {
            this.authorization = null;
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // host and port only: user information in the URL is a secret
        this.display = "InfluxDB " + base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
    }

    public String display() {
        return display;
    }

    public void ping() {
        HttpResponse<String> response = send(request("ping").GET().build(), "pinging");
        if (response.statusCode() != 204 && response.statusCode() != 200) {
            throw failure("pinging", response.statusCode(), response.body(), false);
        }
    }

    /** Runs statements that return no series (CREATE DATABASE, DROP DATABASE). */
    public void execute(String statement) {
        HttpResponse<String> response = send(request("query").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(form("q", statement)).build(), statement);
        checkResults(statement, response);
    }

    /** Runs a statement that returns no series in one database (DROP MEASUREMENT, DELETE). */
    public void execute(String database, String statement) {
        HttpResponse<String> response = send(request("query?db=" + encode(database))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(form("q", statement)).build(), statement);
        checkResults(statement, response);
    }

    /** A query whose whole result is small (SHOW ...): every value of the first column, per series. */
    public List<JsonNode> series(String database, String query) {
        List<JsonNode> series = new ArrayList<>();
        try (Rows rows = stream(database, query)) {
            rows.forEachRemaining(series::add);
        }
        return series;
    }

    /** Streams the series chunks of a query; the caller closes the result. */
    public Rows stream(String database, String query) {
        String parameters = "db=" + encode(database) + "&q=" + encode(query) + "&epoch=ns&chunked=true&chunk_size=" + CHUNK_SIZE;
        HttpRequest request = request("query?" + parameters).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable("querying " + database, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteOperationException("querying " + display + " was interrupted", e, false);
        }
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            throw failure("querying " + database + " (" + query + ")", response.statusCode(), body, response.statusCode() >= 500);
        }
        try {
            InputStream body = new StallGuard(response.body(), timeout, display + " answering " + query);
            return new Rows(JSON.readerFor(JsonNode.class).readValues(body), query);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the answer of " + display + " to " + query, e);
        }
    }

    /** Writes line-protocol points through the v1 write API. */
    public void write(String database, List<String> lines) {
        HttpRequest request = request("write?db=" + encode(database) + "&precision=ns")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines), StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = send(request, "writing to " + database);
        if (response.statusCode() != 204) {
            throw failure("writing " + lines.size() + " points to " + database, response.statusCode(), response.body(),
                    response.statusCode() >= 500);
        }
    }

    /** The series of a streamed query, one chunk object after another, with errors turned into exceptions. */
    public final class Rows implements Iterator<JsonNode>, AutoCloseable {
        private final MappingIterator<JsonNode> chunks;
        private final String query;
        private Iterator<JsonNode> series = java.util.Collections.emptyIterator();

        Rows(MappingIterator<JsonNode> chunks, String query) {
            this.chunks = chunks;
            this.query = query;
        }

        @Override
        public boolean hasNext() {
            while (!series.hasNext()) {
                JsonNode chunk;
                try {
                    if (!chunks.hasNext()) {
                        return false;
                    }
                    chunk = chunks.next();
                } catch (RuntimeException e) {
                    throw stalled(e);
                }
                if (chunk.has("error")) {
                    throw new RemoteOperationException(display + " refused " + query + ": " + chunk.get("error").asText(), null, false);
                }
                List<JsonNode> next = new ArrayList<>();
                for (JsonNode result : chunk.path("results")) {
                    if (result.has("error")) {
                        throw new RemoteOperationException(display + " refused " + query + ": " + result.get("error").asText(), null, false);
                    }
                    result.path("series").forEach(next::add);
                }
                series = next.iterator();
            }
            return true;
        }

        @Override
        public JsonNode next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return series.next();
        }

        @Override
        public void close() {
            try {
                chunks.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A read the stall guard cut off, as a transient failure naming the server; anything else as it was. */
    private RuntimeException stalled(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StallGuard.StalledException stalled) {
                return new RemoteOperationException(stalled.getMessage() + "; check the network to it", e, true);
            }
        }
        return e;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteOperationException(what + " on " + display + " was interrupted", e, false);
        }
    }

    private void checkResults(String statement, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw failure(statement, response.statusCode(), response.body(), response.statusCode() >= 500);
        }
        try {
            for (JsonNode result : JSON.readTree(response.body()).path("results")) {
                if (result.has("error")) {
                    throw new RemoteOperationException(display + " refused " + statement + ": " + result.get("error").asText(), null, false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RemoteOperationException unreachable(String what, IOException e) {
        String reason = e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new RemoteOperationException(what + " on " + display + " failed: " + display + " is unreachable (" + reason + ")", e, true);
    }

    private RemoteOperationException failure(String what, int status, String body, boolean transientFailure) {
        String message = body == null ? "" : body.strip();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return new RemoteOperationException(what + " on " + display + " failed with HTTP " + status
                + (message.isEmpty() ? "" : ": " + message), null, transientFailure);
    }

    private static HttpRequest.BodyPublisher form(String key, String value) {
        return HttpRequest.BodyPublishers.ofString(encode(key) + "=" + encode(value));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Quotes an identifier for InfluxQL: {@code "name"} with inner quotes and backslashes escaped. */
    public static String identifier(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
