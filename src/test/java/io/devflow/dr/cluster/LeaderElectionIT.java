package io.devflow.dr.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.ServerProcess;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code dr server} processes elect one leader through a real ZooKeeper (curator-test, in this JVM) and work on
 * real stores: only the leader backs up, captures and replicates; a standby takes over within the session timeout
 * when the leader is killed, and resumes from the checkpoints; a leader paused past its session writes nothing to
 * the control state when it resumes, and steps down.
 */
class LeaderElectionIT {

    private static final int SESSION_MS = 6_000;
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    TestingServer zookeeper;
    TestEnvironment env;
    final List<ServerProcess> servers = new ArrayList<>();
    final AtomicBoolean writing = new AtomicBoolean();
    final AtomicInteger written = new AtomicInteger();
    Thread writer;

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(new InstanceSpec(dir.resolve("zookeeper").toFile(), TestEnvironment.freePort(), -1, -1,
                true, 1, 500, 60), true);
    }

    @AfterEach
    void stop() throws Exception {
        writing.set(false);
        if (writer != null) {
            writer.join(30_000);
        }
        for (ServerProcess server : servers) {
            server.close();
        }
        if (env != null) {
            env.close();
        }
        zookeeper.close();
    }

    @Test
    void shouldLetOnlyTheLeaderActAndHandOverToAStandbyWhenTheLeaderIsKilled() throws Exception {
        env = TestEnvironment.start(dir, dr -> {
            dr.with("backup").with("schedule").put("full", "0/10 * * * * ?");
            dr.with("backup").with("incremental").put("segmentMinutes", 1);
            dr.putObject("replication").put("checkpointIntervalSeconds", 1);
        }, EAST, WEST);
        MongoCollection<Document> source = env.client(EAST).getDatabase("devflow").getCollection("records");
        MongoCollection<Document> target = env.client(WEST).getDatabase("devflow").getCollection("records");
        startWriting(source);
        ServerProcess a = server("node-a");
        await("node-a leads", LONG, a::leads);
        ServerProcess b = server("node-b");
        await("node-b runs as a standby of node-a", LONG, () -> b.leadership()
                .filter(l -> "standby".equals(l.path("role").asText()) && "node-a".equals(l.path("leader").asText()))
                .isPresent());
        long epochA = term().path("epoch").asLong();

        // a window in which both run: the leader backs up and replicates, the standby does nothing at all
        int before = written.get();
        await("a scheduled backup and replication on node-a", LONG, () -> a.counter("dr_backup_total").orElse(0.0) >= 2
                && a.counter("dr_replication_events_applied_total").orElse(0.0) > 0 && written.get() > before + 100);
        assertThat(b.counter("dr_backup_total")).contains(0.0);
        assertThat(b.counter("dr_replication_events_applied_total")).contains(0.0);
        assertOnePerCronSlot(fullBackups());
        assertThat(checkpoints()).isNotEmpty().allSatisfy(checkpoint -> {
            assertThat(checkpoint.path("writer").asText()).isEqualTo("node-a");
            assertThat(checkpoint.path("epoch").asLong()).isEqualTo(epochA);
        });
        HttpResponse<String> refused = b.call("POST", "/api/replication/stop", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(refused.body()).path("error").asText())
                .contains("the leader is node-a at http://127.0.0.1:");

        Instant killed = Instant.now();
        a.kill();

        await("node-b leads", LONG, b::leads);
        JsonNode term = term();
        assertThat(term.path("instance").asText()).isEqualTo("node-b");
        assertThat(term.path("epoch").asLong()).isGreaterThan(epochA);
        assertThat(Instant.parse(term.path("since").asText())).isBefore(killed.plusMillis(SESSION_MS).plusSeconds(30));
        await("a capture segment of node-b's term", Duration.ofSeconds(240), () -> fullChainOf(segmentsAfter(killed)));
        int total = written.get();
        await("node-b replicated every write", LONG, () -> written.get() > total + 50);
        writing.set(false);
        writer.join(30_000);
        await("the target holds what the source holds", LONG, () -> documents(target).equals(documents(source)));
        // on a busy machine node-b may have lost its session for a moment and taken a newer term since
        JsonNode current = term();
        assertThat(current.path("instance").asText()).isEqualTo("node-b");
        assertThat(checkpoints()).allSatisfy(checkpoint -> {
            assertThat(checkpoint.path("writer").asText()).isEqualTo("node-b");
            assertThat(checkpoint.path("epoch").asLong()).isBetween(term.path("epoch").asLong(),
                    current.path("epoch").asLong());
        });
        assertNoFork(captureSegments());
    }

    @Test
    void shouldRefuseEveryWriteOfALeaderPausedPastItsSession() throws Exception {
        env = TestEnvironment.start(dir, dr -> {
            dr.with("backup").with("incremental").put("captureWorker", false);
            dr.putObject("replication").put("checkpointIntervalSeconds", 1);
        }, EAST, WEST);
        MongoCollection<Document> source = env.client(EAST).getDatabase("devflow").getCollection("records");
        MongoCollection<Document> target = env.client(WEST).getDatabase("devflow").getCollection("records");
        startWriting(source);
        ServerProcess a = server("node-a");
        await("node-a leads", LONG, a::leads);
        ServerProcess b = server("node-b");
        await("node-b runs as a standby", LONG, () -> b.leadership().isPresent());
        await("node-a checkpoints replication", LONG, () -> checkpoints().stream()
                .anyMatch(c -> "node-a".equals(c.path("writer").asText())));
        long epochA = term().path("epoch").asLong();

        a.pause();
        await("node-b leads while node-a is stopped", LONG, b::leads);
        await("node-b writes checkpoints of its own term", LONG, () -> checkpoints().stream()
                .anyMatch(c -> "node-b".equals(c.path("writer").asText())));
        Instant resumed = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        a.resume();

        await("node-a answers again, as a standby of node-b", LONG, () -> a.leadership()
                .filter(l -> "standby".equals(l.path("role").asText()) && "node-b".equals(l.path("leader").asText()))
                .isPresent());
        int total = written.get();
        await("more writes replicated by node-b", LONG, () -> written.get() > total + 50);
        writing.set(false);
        writer.join(30_000);
        await("the target holds what the source holds", LONG, () -> documents(target).equals(documents(source)));

        assertThat(term().path("instance").asText()).isEqualTo("node-b");
        assertThat(term().path("epoch").asLong()).isGreaterThan(epochA);
        for (String region : List.of(EAST, WEST)) {
            for (ObjectStore.ObjectInfo object : env.bucketStore(region).list("dr/control/")) {
                JsonNode document = stored(region, object.key());
                if ("node-a".equals(document.path("writer").asText())) {
                    assertThat(object.lastModified()).as(region + " " + object.key() + " written by node-a")
                            .isBefore(resumed);
                    assertThat(document.path("epoch").asLong()).as(object.key()).isEqualTo(epochA);
                }
            }
        }
        assertThat(a.leads()).isFalse();
    }

    private ServerProcess server(String name) throws IOException {
        ObjectNode config = env.drConfig().deepCopy();
        int port = TestEnvironment.freePort();
        ((ObjectNode) config.get("api")).put("port", port);
        ObjectNode cluster = config.putObject("cluster");
        cluster.put("instanceId", name).put("confirmWithinSeconds", 2);
        cluster.putObject("zookeeper").put("connect", zookeeper.getConnectString()).put("sessionTimeoutMs", SESSION_MS)
                .put("connectionTimeoutMs", SESSION_MS);
        Path file = dir.resolve(name).resolve("dr-config.json");
        Files.createDirectories(file.getParent());
        Files.write(file, Json.bytes(Map.of("disasterRecovery", config)));
        ServerProcess server = ServerProcess.start(name, file, port);
        servers.add(server);
        return server;
    }

    private void startWriting(MongoCollection<Document> source) {
        writing.set(true);
        writer = new Thread(() -> {
            int i = 0;
            while (writing.get() && i < 100_000) {
                source.insertOne(new Document("_id", i).append("v", "record " + i));
                if (i % 3 == 0) {
                    source.updateOne(new Document("_id", i / 2), new Document("$set", new Document("touched", i)));
                }
                written.set(++i);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-writes");
        writer.start();
    }

    private JsonNode term() {
        return stored(EAST, "dr/control/leadership/term.json").path("content");
    }

    /** Every replication checkpoint document as stored in the source region's bucket. */
    private List<JsonNode> checkpoints() {
        List<JsonNode> result = new ArrayList<>();
        for (ObjectStore.ObjectInfo object : env.bucketStore(EAST).list("dr/control/replication/checkpoints/")) {
            result.add(stored(EAST, object.key()));
        }
        return result;
    }

    /** The signed document inside a stored control object. */
    private JsonNode stored(String region, String key) {
        try {
            return Json.MAPPER.readTree(env.bucketStore(region).getBytes(key).orElseThrow()).path("document");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<BackupRecord> mongoBackups() {
        return env.services().catalog().all(StoreKind.MONGODB, env.services().regions().get(EAST));
    }

    private List<BackupRecord> fullBackups() {
        return mongoBackups().stream().filter(r -> BackupType.FULL.id().equals(r.type())).toList();
    }

    private List<BackupRecord> captureSegments() {
        return mongoBackups().stream().filter(r -> "capture".equals(r.trigger()) && r.isCompleted()).toList();
    }

    private List<BackupRecord> segmentsAfter(Instant instant) {
        return captureSegments().stream().filter(r -> r.startedAt().isAfter(instant)).toList();
    }

    /**
     * One scheduled full backup per firing of the 10-second cron: two instances firing would start two within
     * milliseconds of each other.
     */
    private static void assertOnePerCronSlot(List<BackupRecord> fulls) {
        List<Instant> starts = fulls.stream().filter(full -> "schedule".equals(full.trigger()))
                .map(BackupRecord::startedAt).sorted().toList();
        assertThat(starts).isNotEmpty();
        for (int i = 1; i < starts.size(); i++) {
            assertThat(Duration.between(starts.get(i - 1), starts.get(i))).as("backups started at " + starts.get(i - 1)
                    + " and " + starts.get(i)).isGreaterThan(Duration.ofSeconds(5));
        }
    }

    /** Some segment of the new term leads back, parent by parent, to a completed full backup. */
    private boolean fullChainOf(List<BackupRecord> segments) {
        Map<String, BackupRecord> byId = new HashMap<>();
        mongoBackups().stream().filter(BackupRecord::isCompleted).forEach(r -> byId.put(r.id(), r));
        for (BackupRecord segment : segments) {
            BackupRecord at = segment;
            while (at != null && !BackupType.FULL.id().equals(at.type())) {
                at = at.parent() == null ? null : byId.get(at.parent());
            }
            if (at != null) {
                return true;
            }
        }
        return false;
    }

    /** No two committed segments continue the same backup: the chain never forked. */
    private static void assertNoFork(List<BackupRecord> segments) {
        Set<String> parents = new HashSet<>();
        for (BackupRecord segment : segments) {
            assertThat(parents.add(segment.parent())).as("a second segment after " + segment.parent()).isTrue();
        }
    }

    private static List<Document> documents(MongoCollection<Document> collection) {
        return collection.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what
                        + "; servers " + servers);
            }
            Thread.sleep(250);
        }
    }
}
