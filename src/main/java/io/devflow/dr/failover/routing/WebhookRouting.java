package io.devflow.dr.failover.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.RoutingConfig;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.Remote;
import io.devflow.dr.support.RemoteOperationException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Routes through the platform's own endpoint: each drain, route and undo is POSTed to the configured URL as
 * {@code {"action", "region", "previousRegion", "at"}} (an undo also names the action it undoes), with the bearer
 * token when configured. A 2xx answer means done; anything else fails with the status and the start of the body.
 * The region routed to before a change comes from a GET of {@code stateUrl} ({@code {"region": "..."}}) when
 * configured; otherwise it is the region this provider last drained or routed to, or for a drain the source.
 */
public final class WebhookRouting implements RoutingProvider {

    static final String NAME = "webhook";
    private static final int BODY_SHOWN = 200;

    private final RoutingConfig.WebhookRouting config;
    private final HttpClient http;
    private final Clock clock;
    private volatile RegionId lastRouted;

    public WebhookRouting(RoutingConfig.WebhookRouting config, HttpClient http, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.http = Objects.requireNonNull(http);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<RegionId> current() {
        return config.stateUrl().flatMap(this::stateOf);
    }

    @Override
    public RoutingChange drain(RegionId source) {
        RegionId before = routedBefore().orElse(source);
        post(body("drain", source, before));
        lastRouted = source;
        return new RoutingChange(NAME, "drain", region(before), region(before).put("drained", source.value()), clock.instant());
    }

    @Override
    public RoutingChange routeTo(RegionId target) {
        Optional<RegionId> before = routedBefore();
        post(body("route", target, before.orElse(null)));
        lastRouted = target;
        return new RoutingChange(NAME, "route", region(before.orElse(null)), region(target), clock.instant());
    }

    /** Tells the endpoint to route to the region found before the change again; repeating it repeats the same request. */
    @Override
    public void undo(RoutingChange change) {
        RegionId before = regionOf(change.before()).orElse(null);
        RegionId after = regionOf(change.after()).orElse(null);
        ObjectNode body = body("undo", before, after).put("undoes", change.action());
        post(body);
        if (before != null) {
            lastRouted = before;
        }
    }

    private Optional<RegionId> routedBefore() {
        return config.stateUrl().isPresent() ? stateOf(config.stateUrl().get()) : Optional.ofNullable(lastRouted);
    }

    private Optional<RegionId> stateOf(URI stateUrl) {
        HttpResponse<String> response = call("GET " + shown(stateUrl), () -> http.send(request(stateUrl).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        try {
            JsonNode state = Json.MAPPER.readTree(response.body());
            String region = state == null ? null : state.path("region").asText(null);
            if (region == null) {
                return Optional.empty();
            }
            if (!RegionId.isValid(region)) {
                throw new IllegalArgumentException("'" + region + "' is not a region name");
            }
            return Optional.of(RegionId.of(region));
        } catch (Exception e) {
            throw new RemoteOperationException(NAME + " routing: GET " + shown(stateUrl) + " answered "
                    + response.statusCode() + " without {\"region\": \"<region>\"} (" + e.getMessage()
                    + "); check routing.webhook.stateUrl", null, false);
        }
    }

    private void post(ObjectNode body) {
        call("POST " + shown(config.url()) + " (" + body.path("action").asText() + ")", () -> http.send(
                request(config.url()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.timeout()).header("Accept", "application/json");
        config.token().ifPresent(token -> request.header("Authorization", "Bearer " + token.reveal()));
        return request;
    }

    private HttpResponse<String> call(String what, Remote.Operation<HttpResponse<String>> send) {
        HttpResponse<String> response;
        try {
            response = Remote.execute(NAME + " routing: " + what, send);
        } catch (RemoteOperationException e) {
            String timedOut = e.getCause() instanceof HttpTimeoutException
                    ? " (no answer within " + config.timeout().toSeconds() + " s, routing.webhook.timeoutSeconds)" : "";
            throw new RemoteOperationException(e.getMessage() + timedOut + "; check that the webhook receiver is up "
                    + "and reachable", e.getCause(), e.isTransient());
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String body = response.body() == null ? "" : response.body();
            String start = body.length() > BODY_SHOWN ? body.substring(0, BODY_SHOWN) + "..." : body;
            throw new RemoteOperationException(NAME + " routing: " + what + " answered " + status + ": " + start
                    + (status == 401 || status == 403 ? "; check routing.webhook.token" : "; check the webhook receiver"),
                    null, status >= 500 || status == 429);
        }
        return response;
    }

    private ObjectNode body(String action, RegionId region, RegionId previous) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("action", action);
        body.put("region", region == null ? null : region.value());
        body.put("previousRegion", previous == null ? null : previous.value());
        return body.put("at", clock.instant().toString());
    }

    private static ObjectNode region(RegionId region) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        return node.put("region", region == null ? null : region.value());
    }

    private static Optional<RegionId> regionOf(JsonNode description) {
        String region = description.path("region").asText(null);
        return region != null && RegionId.isValid(region) ? Optional.of(RegionId.of(region)) : Optional.empty();
    }

    /** The URL without its user info and query, which may carry a credential. */
    private static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + Objects.toString(uri.getPath(), "");
    }
}
