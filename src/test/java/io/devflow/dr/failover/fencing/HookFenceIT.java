package io.devflow.dr.failover.fencing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.devflow.dr.config.FencingConfig.FenceHook;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fence hooks for real: a shell script that records the arguments it was run with, and an HTTP server that records
 * the JSON it was POSTed. A hook that fails, runs too long or is missing leaves the store unfenced with the risk in
 * words.
 */
class HookFenceIT {

    static final RegionId EAST = RegionId.of("us-east-1");

    @TempDir
    Path dir;
    HttpServer server;
    final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    final AtomicInteger answer = new AtomicInteger(200);

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldRunTheCommandWithRegionAndActionToFenceAndToLift() throws IOException {
        Path calls = dir.resolve("calls.txt");
        HookFence fence = new HookFence(StoreKind.MONGODB, Optional.of(commandHook(script("echo \"$@\" >> " + calls),
                Duration.ofSeconds(10))), region -> true);

        Fence fenced = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(fenced.fenced()).isTrue();
        assertThat(fenced.residualRisk()).isNull();
        assertThat(fenced.method()).startsWith("hook ").endsWith("hook.sh");
        assertThat(Files.readAllLines(calls)).containsExactly("--store mongodb us-east-1 fence");
        assertThat(fence.renew(fenced, Duration.ofSeconds(30))).isEqualTo(fenced);

        fence.lift(fenced);

        assertThat(Files.readAllLines(calls)).containsExactly("--store mongodb us-east-1 fence",
                "--store mongodb us-east-1 lift");
    }

    @Test
    void shouldRecordTheRiskWhenTheCommandFails() throws IOException {
        HookFence fence = new HookFence(StoreKind.MONGODB, Optional.of(commandHook(script("exit 3"),
                Duration.ofSeconds(10))), region -> true);

        Fence failed = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(failed.fenced()).isFalse();
        assertThat(failed.residualRisk()).startsWith("writes to MongoDB in us-east-1 are not stopped: the fence hook ")
                .endsWith("hook.sh exited with 3");
        fence.lift(failed);
    }

    @Test
    void shouldStopACommandThatRunsPastItsTimeout() throws IOException {
        Path calls = dir.resolve("calls.txt");
        HookFence fence = new HookFence(StoreKind.INFLUXDB, Optional.of(commandHook(
                script("echo started >> " + calls + "; exec sleep 60"), Duration.ofSeconds(1))), region -> true);

        long start = System.nanoTime();
        Fence failed = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(Files.readAllLines(calls)).containsExactly("started");
        assertThat(failed.fenced()).isFalse();
        assertThat(failed.residualRisk()).startsWith("writes to InfluxDB in us-east-1 are not stopped: the fence hook ")
                .endsWith("did not finish within 1 s and was stopped");
    }

    @Test
    void shouldPostRegionActionAndStoreToTheUrl() throws IOException {
        URI url = startServer();
        HookFence fence = new HookFence(StoreKind.INFLUXDB, Optional.of(new FenceHook(List.of(), Optional.of(url),
                Duration.ofSeconds(10))), region -> true);

        Fence fenced = fence.fence(EAST, Duration.ofSeconds(30));
        fence.lift(fenced);

        assertThat(fenced.fenced()).isTrue();
        assertThat(fenced.method()).isEqualTo("hook POST " + url.getScheme() + "://" + url.getHost() + ":"
                + url.getPort() + "/fence");
        assertThat(posted).extracting(JsonNode::toString).containsExactly(
                "{\"region\":\"us-east-1\",\"action\":\"fence\",\"store\":\"influxdb\"}",
                "{\"region\":\"us-east-1\",\"action\":\"lift\",\"store\":\"influxdb\"}");
    }

    @Test
    void shouldRecordTheRiskWhenTheUrlRefusesAndSayWhenTheLiftFails() throws IOException {
        URI url = startServer();
        HookFence fence = new HookFence(StoreKind.MONGODB, Optional.of(new FenceHook(List.of(), Optional.of(url),
                Duration.ofSeconds(10))), region -> true);
        answer.set(500);

        Fence failed = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(failed.fenced()).isFalse();
        assertThat(failed.residualRisk()).isEqualTo("writes to MongoDB in us-east-1 are not stopped: the fence hook at "
                + "http://127.0.0.1:" + url.getPort() + "/fence answered HTTP 500");
        Fence fenced = new Fence(StoreKind.MONGODB, "us-east-1", true, failed.method(), null, null, null);
        assertThatThrownBy(() -> fence.lift(fenced)).hasMessage("the fence of MongoDB in us-east-1 was not lifted: the "
                + "fence hook at http://127.0.0.1:" + url.getPort() + "/fence answered HTTP 500; lift it by hand");
    }

    @Test
    void shouldRecordTheRiskWithoutAHook() {
        HookFence fence = new HookFence(StoreKind.MONGODB, Optional.empty(), region -> true);

        Fence none = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(none.fenced()).isFalse();
        assertThat(none.method()).isEqualTo("none");
        assertThat(none.residualRisk()).isEqualTo("writes to MongoDB in us-east-1 are not stopped: no fence hook "
                + "configured (recovery.failover.fencing.mongodb.hook)");
    }

    @Test
    void shouldHaveNothingToFenceWhereTheRegionHasNoSuchStore() {
        HookFence fence = new HookFence(StoreKind.MONGODB, Optional.empty(), region -> false);

        Fence none = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(none.fenced()).isFalse();
        assertThat(none.residualRisk()).isNull();
    }

    private FenceHook commandHook(Path script, Duration timeout) {
        return new FenceHook(List.of(script.toString(), "--store", "mongodb"), Optional.empty(), timeout);
    }

    private Path script(String body) throws IOException {
        Path script = dir.resolve("hook.sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private URI startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fence", exchange -> {
            try (exchange) {
                posted.add(Json.MAPPER.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(answer.get(), -1);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fence?token=abc");
    }
}
