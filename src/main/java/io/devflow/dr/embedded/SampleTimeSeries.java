package io.devflow.dr.embedded;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sample metrics for the demo's InfluxDB: a day of per-minute CPU, memory and request figures for a few
 * hosts and services, with float, integer, string and boolean fields and nanosecond timestamps.
 */
public final class SampleTimeSeries {

    public static final String DATABASE = "metrics";
    private static final String[] HOSTS = {"api-1", "api-2", "worker-1", "worker-2"};
    private static final String[] SERVICES = {"checkout", "search", "auth"};

    private final Random random = new Random(20260125L);

    /** Seeds the database unless it already has data; returns the number of points written. */
    public long seedIfEmpty(String url) {
        HttpClient http = HttpClient.newHttpClient();
        if (query(http, url, "SHOW MEASUREMENTS").contains("\"values\"")) {
            return 0;
        }
        post(http, url + "/query", "q=CREATE+DATABASE+" + DATABASE);
        Instant end = Instant.now().minus(Duration.ofMinutes(1));
        long written = 0;
        List<String> batch = new ArrayList<>();
        for (int minute = 24 * 60; minute > 0; minute--) {
            long t = end.minus(Duration.ofMinutes(minute)).toEpochMilli() * 1_000_000L + random.nextInt(1_000_000);
            for (String host : HOSTS) {
                batch.add(String.format("cpu,host=%s,region=us-east-1 usage=%.3f,cores=%di,throttled=%b %d",
                        host, 20 + random.nextDouble() * 60, 8, random.nextInt(50) == 0, t));
                batch.add(String.format("memory,host=%s used=%di,free=%di %d", host,
                        4_000_000_000L + random.nextInt(1_000_000_000), 8_000_000_000L - random.nextInt(1_000_000_000), t));
            }
            for (String service : SERVICES) {
                batch.add(String.format("requests,service=%s count=%di,p99_ms=%.2f,status=\"%s\" %d", service,
                        random.nextInt(5_000), 50 + random.nextDouble() * 200, random.nextInt(100) == 0 ? "degraded" : "ok", t));
            }
            if (batch.size() >= 5_000) {
                written += write(http, url, batch);
            }
        }
        return written + write(http, url, batch);
    }

    private static long write(HttpClient http, String url, List<String> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        post(http, url + "/write?db=" + DATABASE + "&precision=ns", String.join("\n", batch));
        long n = batch.size();
        batch.clear();
        return n;
    }

    private static String query(HttpClient http, String url, String q) {
        return send(http, HttpRequest.newBuilder(URI.create(url + "/query?db=" + DATABASE + "&q="
                + q.replace(" ", "+"))).GET().build());
    }

    private static void post(HttpClient http, String url, String body) {
        send(http, HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private static String send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("InfluxDB answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("seeding InfluxDB failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding InfluxDB", e);
        }
    }

}
