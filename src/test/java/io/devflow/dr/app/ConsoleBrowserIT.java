package io.devflow.dr.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BrowserAvailable;
import io.devflow.dr.testing.BrowserTests;
import io.devflow.dr.testing.InfluxAvailable;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core, src/test/console/console-test.mjs)
 * against dr server with MongoDB, Redis and InfluxDB in two regions and manual conflict resolution. The test creates a
 * conflict through replication (the same record changed in both regions while replication was stopped); the browser
 * signs in as operator, viewer and admin, sees the three stores healthy and their lag, starts a backup and sees it
 * complete, verifies it, resolves the conflict with an edited record; a viewer has no action buttons and the API
 * refuses a forced action; an admin's failover button stays disabled until the target region's name is typed. What
 * the browser did is then checked through the API and in the stores.
 */
@InfluxAvailable
@BrowserAvailable
class ConsoleBrowserIT {

    static final String OPERATOR_TOKEN = "operator-token-0123456789abcdef0123456789abcdef";
    static final String VIEWER_TOKEN = "viewer-token-0123456789abcdef0123456789abcdef";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;
    DrRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void shouldLetOperatorsActAndViewersOnlyLookInARealBrowser() throws Exception {
        BrowserTests.require();
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Path operatorToken = TestEnvironment.tokenFile(tokens, OPERATOR_TOKEN);
        Path viewerToken = TestEnvironment.tokenFile(tokens, VIEWER_TOKEN);
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB, StoreKind.REDIS, StoreKind.INFLUXDB), dr -> {
            ServerReplication.replication(dr, "manual");
            var list = dr.with("api").putArray("tokens");
            list.addObject().put("name", "ops").put("role", "operator").put("token", "${file:" + operatorToken + "}");
            list.addObject().put("name", "dashboard").put("role", "viewer").put("token", "${file:" + viewerToken + "}");
        }, EAST, WEST);
        MongoCollection<Document> source = env.client(EAST).getDatabase("devflow").getCollection("records");
        MongoCollection<Document> target = env.client(WEST).getDatabase("devflow").getCollection("records");
        source.insertOne(new Document("_id", "a").append("v", "original"));
        String conflictId = conflictThroughReplication(source, target);

        Path result = dir.resolve("console-result.json");
        Process node = browserTests(conflictId, result);
        boolean ended = node.waitFor(8, TimeUnit.MINUTES);
        if (!ended) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(dir.resolve("console-test.log"));
        assertThat(ended).as("the browser tests ended within 8 minutes:\n" + output).isTrue();
        JsonNode scenarios = Json.MAPPER.readTree(result.toFile()).path("scenarios");
        assertThat(node.exitValue()).as("browser tests:\n" + scenarios.toPrettyString() + "\n" + output).isZero();

        JsonNode overview = scenarios.path("operatorOverview");
        assertThat(overview.path("who").asText()).isEqualTo("ops (operator)");
        assertThat(overview.path("csp").asText()).isEqualTo(ConsoleEndpoint.CONTENT_SECURITY_POLICY);
        assertThat(texts(overview.path("healthyStores"))).containsExactly("influxdb", "mongodb", "redis");
        assertThat(texts(overview.path("replicatedStores"))).containsExactly("influxdb", "mongodb", "redis");
        assertThat(overview.path("lagLines").asInt()).isPositive();

        JsonNode backup = scenarios.path("operatorBackup");
        JsonNode record = Json.MAPPER.readTree(get("/api/backups/" + backup.path("backupId").asText(), TestEnvironment.API_TOKEN).body());
        assertThat(record.path("status").asText()).isEqualTo("completed");
        assertThat(record.path("store").asText()).isEqualTo("redis");
        assertThat(backup.path("verifyPassed").asBoolean()).isTrue();
        JsonNode manifest = Json.MAPPER.readTree(get("/api/backups/" + backup.path("backupId").asText() + "/manifest",
                VIEWER_TOKEN).body());
        assertThat(manifest.path("sections").isEmpty()).as(manifest.toString()).isFalse();
        assertThat(manifest.path("encryption").path("keyId").asText()).isNotBlank();
        assertThat(manifest.path("encryption").has("wrappedKey")).isFalse();
        assertThat(manifest.path("encryption").has("keyCheck")).isFalse();
        JsonNode verified = Json.MAPPER.readTree(get("/api/audit?action=verify", VIEWER_TOKEN).body()).path("entries");
        assertThat(verified).singleElement().satisfies(entry -> {
            assertThat(entry.path("by").asText()).isEqualTo("ops");
            assertThat(entry.path("subject").asText()).isEqualTo(backup.path("backupId").asText());
            assertThat(entry.path("outcome").asText()).isEqualTo("completed");
        });

        JsonNode resolution = scenarios.path("operatorResolvesConflict");
        assertThat(resolution.path("sourceVersion").path("v").asText()).isEqualTo("source");
        assertThat(resolution.path("targetVersion").path("v").asText()).isEqualTo("target");
        assertThat(texts(resolution.path("choices"))).containsExactly("keep-source", "keep-target", "resolve-edited");
        assertThat(resolution.path("decision").asText()).isEqualTo("custom");
        JsonNode conflict = Json.MAPPER.readTree(get("/api/conflicts/" + conflictId, TestEnvironment.API_TOKEN).body());
        assertThat(conflict.path("status").asText()).isEqualTo("resolved");
        assertThat(conflict.path("decision").asText()).isEqualTo("custom");
        assertThat(conflict.path("resolvedBy").asText()).isEqualTo("ops");
        assertThat(target.find(Filters.eq("_id", "a")).first()).isEqualTo(new Document("_id", "a").append("v", "edited in the console"));
        assertThat(source.find(Filters.eq("_id", "a")).first()).isEqualTo(new Document("_id", "a").append("v", "edited in the console"));

        JsonNode viewer = scenarios.path("viewerSeesNoActions");
        assertThat(viewer.path("who").asText()).isEqualTo("dashboard (viewer)");
        assertThat(texts(viewer.path("healthyStores"))).containsExactly("influxdb", "mongodb", "redis");
        for (String page : List.of("backups.html", "conflicts.html", "failovers.html", "replication.html")) {
            assertThat(viewer.path("buttons").path(page).isArray()).as(page).isTrue();
            assertThat(viewer.path("buttons").path(page)).as("buttons a viewer sees on " + page).isEmpty();
        }
        assertThat(viewer.path("replicationRows").asInt()).as("the viewer saw the stores it has no buttons for").isEqualTo(3);
        assertThat(viewer.path("forcedBackup").path("status").asInt()).isEqualTo(403);
        assertThat(viewer.path("forcedBackup").path("body").path("error").asText()).contains("role viewer");

        JsonNode admin = scenarios.path("adminFailoverNeedsTheTypedRegion");
        assertThat(admin.path("target").asText()).isEqualTo(WEST);
        assertThat(admin.path("enabledWithWrongName").asBoolean()).isFalse();
        assertThat(admin.path("enabledWithTypedName").asBoolean()).isTrue();
        assertThat(admin.path("drillButton").asBoolean()).isTrue();
        assertThat(services.activeRegions().current().region().value()).as("no failover was started").isEqualTo(EAST);
    }

    /** Changes record a in both regions while MongoDB replication is stopped; replication then holds the conflict. */
    private String conflictThroughReplication(MongoCollection<Document> source, MongoCollection<Document> target)
            throws Exception {
        services = env.services();
        Map<String, String> properties = new HashMap<>(ServerReplication.FAST);
        properties.put("dr.health.periodMs", "1000");
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, properties);
        ReplicationService replication = services.replication().orElseThrow();
        ServerReplication.awaitStreaming(services, Duration.ofSeconds(90));
        Poll.until("initial sync of record a", Duration.ofSeconds(60), () -> target.countDocuments() == 1);

        services.replicationControl().orElseThrow().request(List.of(StoreKind.MONGODB), false, "test");
        ServerReplication.awaitStopped(services, StoreKind.MONGODB, Duration.ofSeconds(60));
        target.updateOne(Filters.eq("_id", "a"), Updates.set("v", "target"));
        source.updateOne(Filters.eq("_id", "a"), Updates.set("v", "source"));
        services.replicationControl().orElseThrow().request(List.of(StoreKind.MONGODB), true, "test");
        Poll.until("the conflict about record a is held", Duration.ofSeconds(60),
                () -> replication.openConflicts().size() == 1);
        Conflict conflict = replication.openConflicts().get(0);
        assertThat(conflict.record().key()).isEqualTo("\"a\"");
        return conflict.id();
    }

    private Process browserTests(String conflictId, Path result) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(BrowserTests.node().orElseThrow().toString(), "console-test.mjs")
                .directory(BrowserTests.TESTS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("console-test.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.put("CONSOLE_URL", "http://127.0.0.1:" + env.config().api().port() + "/console/");
        environment.put("OPERATOR_TOKEN", OPERATOR_TOKEN);
        environment.put("VIEWER_TOKEN", VIEWER_TOKEN);
        environment.put("ADMIN_TOKEN", TestEnvironment.API_TOKEN);
        environment.put("CONFLICT_ID", conflictId);
        environment.put("ACTIVE_REGION", EAST);
        environment.put("CHROMIUM", BrowserTests.CHROMIUM.toString());
        environment.put("USER_DATA_DIR", Files.createDirectories(dir.resolve("chromium-profile")).toString());
        environment.put("RESULT_FILE", result.toString());
        return builder.start();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.config().api().port() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).sorted().toList();
    }
}
