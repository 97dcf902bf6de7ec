package io.devflow.dr.failover.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.RoutingConfig;
import io.devflow.dr.config.Secret;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.RemoteOperationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link WebhookRouting} against a small real HTTP server that routes as a platform would: it keeps the region it
 * sends clients to and the region being drained, changes them on each POST, answers a GET of its state, and
 * refuses requests without the expected bearer token.
 */
class WebhookRoutingTest {

    private static final RegionId EAST = RegionId.of("us-east-1");
    private static final RegionId WEST = RegionId.of("us-west-2");
    private static final String TOKEN = "routing-token-7f3a";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);

    HttpServer server;
    ExecutorService executor;
    volatile String region = "us-east-1";
    volatile String draining;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/routing", this::route);
        server.createContext("/state", exchange -> answer(exchange, 200, "{\"region\": \"" + region + "\"}"));
        server.createContext("/broken", exchange -> answer(exchange, 503, "x".repeat(200) + "TAIL-NOT-SHOWN"));
        server.createContext("/slow", exchange -> {
            awaitRelease();
            answer(exchange, 200, "{}");
        });
        executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void shouldPostEachChangeAndRecordTheRegionRoutedBeforeFromTheStateUrl() {
        WebhookRouting routing = routing("/routing", Optional.of("/state"), TOKEN, Duration.ofSeconds(5));
        assertThat(routing.current()).contains(EAST);

        RoutingChange drain = routing.drain(EAST);
        assertThat(draining).isEqualTo("us-east-1");
        RoutingChange route = routing.routeTo(WEST);

        assertThat(region).isEqualTo("us-west-2");
        assertThat(draining).isNull();
        assertThat(routing.current()).contains(WEST);
        assertThat(route.before().path("region").asText()).isEqualTo("us-east-1");
        assertThat(received.get(1)).isEqualTo(Json.MAPPER.createObjectNode().put("action", "route")
                .put("region", "us-west-2").put("previousRegion", "us-east-1").put("at", "2025-03-01T12:00:00Z"));

        routing.undo(route);
        routing.undo(drain);
        routing.undo(drain);
        assertThat(region).isEqualTo("us-east-1");
        assertThat(draining).isNull();
        assertThat(received.get(2).path("undoes").asText()).isEqualTo("route");
    }

    @Test
    void shouldTakeTheDrainedRegionAsTheOneRoutedBeforeWithoutAStateUrl() {
        WebhookRouting routing = routing("/routing", Optional.empty(), TOKEN, Duration.ofSeconds(5));
        assertThat(routing.current()).isEmpty();

        routing.drain(EAST);
        RoutingChange route = routing.routeTo(WEST);
        routing.undo(route);

        assertThat(received).extracting(b -> b.path("previousRegion").asText(null))
                .containsExactly("us-east-1", "us-east-1", "us-west-2");
        assertThat(region).isEqualTo("us-east-1");
    }

    @Test
    void shouldFailWithTheStatusAndTheStartOfTheBodyWithoutShowingTheToken() {
        assertThatThrownBy(() -> routing("/broken", Optional.empty(), TOKEN, Duration.ofSeconds(5)).routeTo(WEST))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining("webhook routing: POST http://127.0.0.1:" + server.getAddress().getPort()
                        + "/broken (route) answered 503: " + "x".repeat(200) + "...")
                .hasMessageNotContaining("TAIL-NOT-SHOWN");
        assertThatThrownBy(() -> routing("/routing", Optional.empty(), "wrong-token", Duration.ofSeconds(5)).routeTo(WEST))
                .hasMessageContaining("answered 401")
                .hasMessageContaining("check routing.webhook.token")
                .hasMessageNotContaining("wrong-token");
        assertThat(region).isEqualTo("us-east-1");
    }

    @Test
    void shouldGiveUpAfterTheTimeoutAndSaySo() {
        WebhookRouting routing = routing("/slow", Optional.empty(), TOKEN, Duration.ofSeconds(1));

        assertThatThrownBy(() -> routing.drain(EAST))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining("webhook routing: POST")
                .hasMessageContaining("no answer within 1 s, routing.webhook.timeoutSeconds");
    }

    private WebhookRouting routing(String path, Optional<String> statePath, String token, Duration timeout) {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        RoutingConfig.WebhookRouting config = new RoutingConfig.WebhookRouting(base.resolve(path),
                Optional.of(Secret.literal("routing.webhook.token", token)), statePath.map(base::resolve), timeout);
        return new WebhookRouting(config, HttpClient.newHttpClient(), CLOCK);
    }

    private void route(HttpExchange exchange) throws IOException {
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 401, "{\"error\": \"unauthorized\"}");
            return;
        }
        JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
        received.add(body);
        String target = body.path("region").asText(null);
        switch (body.path("action").asText()) {
            case "drain" -> draining = target;
            case "route", "undo" -> {
                if (!body.path("undoes").asText().equals("drain")) {
                    region = target;
                }
                draining = null;
            }
            default -> {
                answer(exchange, 400, "{\"error\": \"unknown action\"}");
                return;
            }
        }
        answer(exchange, 204, null);
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body == null ? -1 : bytes.length);
            if (body != null) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
