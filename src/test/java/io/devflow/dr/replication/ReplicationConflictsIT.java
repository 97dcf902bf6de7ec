package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.Decision;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same scripted conflicting writes in both regions under each strategy, through the routes of
 * {@code dr server}, against real servers. While replication is stopped, record {@code a} changes first in the
 * target and later in the source, but carries the older {@code updatedAt} in the source; record {@code b} changes
 * first in the source and later in the target, with the older {@code updatedAt} in the target. Then replication
 * starts again and meets both conflicts.
 *
 * <ul>
 *   <li>last-write-wins: the later change wins: a takes the source's version, b keeps the target's;</li>
 *   <li>timestamp-based (updatedAt): the larger field wins: a keeps the target's, b takes the source's;</li>
 *   <li>manual: nothing is overwritten until an operator resolves each with source, target or JSON.</li>
 * </ul>
 */
class ReplicationConflictsIT {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;
    DrRuntime runtime;
    MongoCollection<Document> source;
    MongoCollection<Document> target;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        env.close();
    }

    @Test
    void lastWriteWinsKeepsTheLaterChange() throws Exception {
        scriptedConflicts("last-write-wins");
        await("both conflicts settled", () -> services.replication().orElseThrow().resolvedConflicts(10).size() == 2);
        await("a replicated", () -> "source".equals(value(target, "a")));
        assertThat(value(target, "b")).isEqualTo("target");
        assertThat(value(source, "b")).as("automatic decisions never write into the source").isEqualTo("source");

        List<Conflict> conflicts = services.replication().orElseThrow().resolvedConflicts(10);
        Conflict a = byKey(conflicts, "a");
        assertThat(a.decision()).isEqualTo(Decision.SOURCE);
        assertThat(a.resolvedBy()).isEqualTo("strategy");
        assertThat(a.sourceVersion().content().path("v").asText()).isEqualTo("source");
        assertThat(a.targetVersion().content().path("v").asText()).isEqualTo("target");
        assertThat(a.targetVersion().changedAt()).isBefore(a.sourceVersion().changedAt());
        assertThat(byKey(conflicts, "b").decision()).isEqualTo(Decision.TARGET);
        assertThat(services.replication().orElseThrow().openConflicts()).isEmpty();

        // a conflict is counted just after it is stored, so the listing above may be a moment ahead of the metrics
        String sourceWon = "dr_replication_conflicts_total{decision=\"source\",store=\"mongodb\"} 1.0";
        String targetWon = "dr_replication_conflicts_total{decision=\"target\",store=\"mongodb\"} 1.0";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String metrics = get("/observe/metrics").body();
        while (!(metrics.contains(sourceWon) && metrics.contains(targetWon)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            metrics = get("/observe/metrics").body();
        }
        assertThat(metrics)
                .contains(sourceWon)
                .contains(targetWon)
                .contains("dr_replication_conflicts_open 0.0")
                .containsPattern("dr_replication_lag\\{source=\"us-east-1\",store=\"mongodb\",target=\"us-west-2\"\\} \\d")
                .containsPattern("dr_replication_events_applied_total\\{source=\"us-east-1\",store=\"mongodb\",target=\"us-west-2\"\\} [1-9]");

        // the record is replicated normally afterwards: a newer source change overwrites the kept target version
        source.updateOne(Filters.eq("_id", "b"), Updates.set("v", "source again"));
        await("b follows the source again", () -> "source again".equals(value(target, "b")));
    }

    @Test
    void timestampBasedLetsTheLargerFieldWin() throws Exception {
        scriptedConflicts("timestamp-based");
        await("both conflicts settled", () -> services.replication().orElseThrow().resolvedConflicts(10).size() == 2);
        await("b replicated", () -> "source".equals(value(target, "b")));
        assertThat(value(target, "a")).isEqualTo("target");
        List<Conflict> conflicts = services.replication().orElseThrow().resolvedConflicts(10);
        assertThat(byKey(conflicts, "a").decision()).isEqualTo(Decision.TARGET);
        assertThat(byKey(conflicts, "a").reason()).contains("updatedAt");
        assertThat(byKey(conflicts, "b").decision()).isEqualTo(Decision.SOURCE);
    }

    @Test
    void manualHoldsBothVersionsUntilAnOperatorResolvesThem() throws Exception {
        scriptedConflicts("manual", () -> {
            source.updateOne(Filters.eq("_id", "c"), Updates.set("v", "source"));
            target.updateOne(Filters.eq("_id", "c"), Updates.set("v", "target"));
        });
        ReplicationService replication = services.replication().orElseThrow();
        await("three open conflicts", () -> replication.openConflicts().size() == 3);
        // a later source change of a held record is kept with its conflict, not applied
        source.updateOne(Filters.eq("_id", "a"), Updates.set("v", "source, later"));
        await("later change recorded", () -> byKey(replication.openConflicts(), "a").laterSourceVersions() == 1);
        assertThat(value(target, "a")).isEqualTo("target");
        assertThat(value(target, "b")).isEqualTo("target");
        assertThat(value(source, "b")).isEqualTo("source");

        String config = env.configFile().toString();
        CliRun list = CliRun.of("--config", config, "conflicts", "list", "--output", "json");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        JsonNode listed = Json.MAPPER.readTree(list.out()).get("conflicts");
        assertThat(listed).hasSize(3);
        assertThat(listed.get(0).path("status").asText()).isEqualTo("open");
        assertThat(listed.get(0).path("decision").asText()).isEqualTo("pending");

        String a = byKey(replication.openConflicts(), "a").id();
        String b = byKey(replication.openConflicts(), "b").id();
        String c = byKey(replication.openConflicts(), "c").id();

        CliRun resolveA = CliRun.of("--config", config, "resolve-conflict", a, "source");
        assertThat(resolveA.exitCode()).as(resolveA.toString()).isZero();
        assertThat(value(target, "a")).as("the newest source version").isEqualTo("source, later");

        CliRun resolveB = CliRun.of("--config", config, "resolve-conflict", b, "target");
        assertThat(resolveB.exitCode()).as(resolveB.toString()).isZero();
        assertThat(value(source, "b")).isEqualTo("target");

        HttpResponse<String> custom = post("/api/conflicts/" + c + "/resolve",
                "{\"resolution\": {\"v\": \"custom\", \"n\": {\"$numberLong\": \"7\"}}}");
        assertThat(custom.statusCode()).as(custom.body()).isEqualTo(200);
        assertThat(target.find(Filters.eq("_id", "c")).first()).isEqualTo(new Document("_id", "c").append("v", "custom").append("n", 7L));
        assertThat(source.find(Filters.eq("_id", "c")).first()).isEqualTo(new Document("_id", "c").append("v", "custom").append("n", 7L));

        Conflict resolved = replication.conflict(c);
        assertThat(resolved.isOpen()).isFalse();
        assertThat(resolved.decision()).isEqualTo(Decision.CUSTOM);
        assertThat(resolved.resolvedBy()).isEqualTo("api");
        assertThat(replication.openConflicts()).isEmpty();
        assertThat(services.audit().list(null, "conflict-resolved", 100)).as("every resolution audited").hasSize(3);

        // replication goes on for the resolved records
        source.updateOne(Filters.eq("_id", "b"), Updates.set("v", "after"));
        await("b replicated after its resolution", () -> "after".equals(value(target, "b")));

        // bad input: one clear line, exit 2 / the matching HTTP status, nothing changed
        CliRun twice = CliRun.of("--config", config, "resolve-conflict", a, "target");
        assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(2);
        assertThat(twice.err()).contains("already resolved").contains(a);
        assertThat(twice.errIsOneCleanLine()).as(twice.toString()).isTrue();
        CliRun unknown = CliRun.of("--config", config, "resolve-conflict", "conflict-20260101-000000-zzzzzz", "source");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).contains("no conflict conflict-20260101-000000-zzzzzz");
        CliRun malformed = CliRun.of("--config", config, "resolve-conflict", "not-a-conflict", "source");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("not a conflict id");
        CliRun invalidJson = CliRun.of("--config", config, "resolve-conflict", a, "{\"v\": ");
        assertThat(invalidJson.exitCode()).isEqualTo(2);
        assertThat(invalidJson.err()).contains("not valid JSON");
        assertThat(invalidJson.errIsOneCleanLine()).as(invalidJson.toString()).isTrue();

        assertThat(post("/api/conflicts/conflict-20260101-000000-zzzzzz/resolve", "{\"resolution\":\"source\"}").statusCode())
                .isEqualTo(404);
        assertThat(post("/api/conflicts/" + a + "/resolve", "{\"resolution\":").statusCode()).isEqualTo(400);
        assertThat(post("/api/conflicts/" + a + "/resolve", "{\"resolution\":\"sideways\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> again = post("/api/conflicts/" + a + "/resolve", "{\"resolution\":\"source\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(again.body()).path("error").asText()).contains("already resolved");
        assertThat(value(target, "a")).isEqualTo("source, later");
    }

    private void scriptedConflicts(String strategy) throws Exception {
        scriptedConflicts(strategy, () -> { });
    }

    /** Seeds, syncs, stops replication, writes the conflicting versions, starts replication again. */
    private void scriptedConflicts(String strategy, Runnable more) throws Exception {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB), dr -> ServerReplication.replication(dr, strategy),
                EAST, WEST);
        source = env.client(EAST).getDatabase("devflow").getCollection("records");
        target = env.client(WEST).getDatabase("devflow").getCollection("records");
        long base = 1_800_000_000_000L;
        for (String id : List.of("a", "b", "c")) {
            source.insertOne(new Document("_id", id).append("v", "original").append("updatedAt", new Date(base)));
        }
        services = env.services();
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, ServerReplication.FAST);
        ReplicationService replication = services.replication().orElseThrow();
        ServerReplication.awaitStreaming(services, Duration.ofSeconds(60));
        await("initial sync", () -> target.countDocuments() == 3);

        services.replicationControl().orElseThrow().request(List.of(StoreKind.MONGODB), false, "test");
        ServerReplication.awaitStopped(services, StoreKind.MONGODB, Duration.ofSeconds(60));

        target.updateOne(Filters.eq("_id", "a"), Updates.combine(Updates.set("v", "target"),
                Updates.set("updatedAt", new Date(base + 10_000))));
        source.updateOne(Filters.eq("_id", "b"), Updates.combine(Updates.set("v", "source"),
                Updates.set("updatedAt", new Date(base + 20_000))));
        Thread.sleep(1_100);
        source.updateOne(Filters.eq("_id", "a"), Updates.combine(Updates.set("v", "source"),
                Updates.set("updatedAt", new Date(base + 5_000))));
        target.updateOne(Filters.eq("_id", "b"), Updates.combine(Updates.set("v", "target"),
                Updates.set("updatedAt", new Date(base + 15_000))));
        more.run();

        services.replicationControl().orElseThrow().request(List.of(StoreKind.MONGODB), true, "test");
        await("replication started", () -> replication.isRunning(StoreKind.MONGODB));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        int port = env.drConfig().path("api").path("port").asInt();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + io.devflow.dr.testing.TestEnvironment.API_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        int port = env.drConfig().path("api").path("port").asInt();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String value(MongoCollection<Document> collection, String id) {
        Document document = collection.find(Filters.eq("_id", id)).first();
        return document == null ? null : document.getString("v");
    }

    private static Conflict byKey(List<Conflict> conflicts, String id) {
        return conflicts.stream().filter(c -> c.record().key().equals("\"" + id + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no conflict about " + id + " in " + conflicts));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }
}
