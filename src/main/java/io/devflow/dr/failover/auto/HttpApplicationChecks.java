package io.devflow.dr.failover.auto;

import io.devflow.dr.support.Failures;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The applications' health URLs, all at once: a URL fails unless it answers 2xx within the timeout. */
public final class HttpApplicationChecks implements AutoFailoverController.ApplicationChecks {

    private final HttpClient client;
    private final Duration timeout;

    public HttpApplicationChecks(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Map<String, String> failing(List<URI> urls) {
        Map<URI, CompletableFuture<String>> running = new LinkedHashMap<>();
        for (URI url : urls) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            running.put(url, client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenApply(response -> response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode())
                    .exceptionally(failure -> describe(failure)));
        }
        Map<String, String> failed = new LinkedHashMap<>();
        running.forEach((url, check) -> {
            String error = check.join();
            if (error != null) {
                failed.put(url.toString(), error);
            }
        });
        return failed;
    }

    private String describe(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + timeout.toSeconds() + " s";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return Failures.describe(cause);
    }
}
