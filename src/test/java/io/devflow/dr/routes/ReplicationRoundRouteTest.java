package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.ReplicationRoutes;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.metrics.ReplicationMetrics;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.TestConfigs;
import io.devflow.dr.testing.TestKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication routes themselves (worker, round, conflict, dead letters, errors, control), loaded from the YAML
 * files as {@code dr server} loads them, around a scripted store whose records are applied, refused, in conflict or
 * held, in two directions. What the routes leave behind is read from the control state: the conflict record, the
 * refused change, the checkpoints. With {@code AdviceWith}, a write that fails in one direction ends that direction's
 * round without moving its checkpoint, while the other direction completes.
 */
class ReplicationRoundRouteTest extends CamelMainTestSupport {

    static final Direction TO_WEST = Direction.of("us-east-1", "us-west-2");
    static final Direction TO_EU = Direction.of("us-east-1", "eu-west-1");
    static final List<String> SCRIPT = List.of("apply-1", "apply-2", "conflict-1", "held-1");

    final MemoryStateStore state = new MemoryStateStore();
    final Clock clock = Clock.systemUTC();
    final ReplicationConfig config = config();
    final ConflictStore conflicts = new ConflictStore(state, TestKeys.conflictCipher());
    final AuditLog audit = new AuditLog(state, clock);
    final ScriptedReplication store = new ScriptedReplication(new Checkpoints(state, Duration.ofMinutes(5), clock), SCRIPT);
    final ReplicationControl control = new ReplicationControl(config, state, audit, clock);
    ReplicationService replication;

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(String.join(",",
                "classpath:routes/_shared/replication-*.camel.yaml",
                "classpath:routes/replication/store-replication.camel.yaml",
                "classpath:routes/replication/mongodb-replication.camel.yaml",
                "classpath:routes/replication/replication-conflicts.camel.yaml",
                "classpath:routes/replication/replication-control.camel.yaml"));
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("dr.replication.controlPeriodMs", "100");
        p.setProperty("dr.replication.statusPeriodMs", "60000");
        p.setProperty("dr.replication.mongodb.pollMs", "20");
        p.setProperty("camel.main.shutdownTimeout", "30");
        return p;
    }

    @Override
    protected Registry createCamelRegistry() {
        store.refused.add("apply-2");
        replication = new ReplicationService(config, java.util.Map.of(StoreKind.MONGODB, store), conflicts, state, audit,
                new ReplicationMetrics(new SimpleMeterRegistry()), new ProgressBoard(clock), config::source, clock);
        Registry registry = new DefaultRegistry();
        registry.bind("replication", replication);
        registry.bind("mongodbReplication", store);
        registry.bind("replicationRoutes", new ReplicationRoutes(replication, control, () -> true));
        registry.bind("clusterService", clusterService());
        return registry;
    }

    /** The cluster service the status route's master: endpoint needs to be created; this test does not elect. */
    private static FileLockClusterService clusterService() {
        FileLockClusterService cluster = new FileLockClusterService();
        try {
            cluster.setRoot(Files.createTempDirectory("dr-cluster").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cluster;
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Test
    void shouldCarryEveryOutcomeToItsStepAndCheckpointOnlyAfterThem() throws Exception {
        context.start();

        await(() -> checkpoint(TO_WEST) != null && checkpoint(TO_EU) != null);

        for (Direction direction : List.of(TO_WEST, TO_EU)) {
            assertThat(store.calls(direction)).as(direction.toString()).containsExactly(
                    "read", "read-target", "classify", "write [apply-1, apply-2]", "describe conflict-1",
                    "settle \"conflict-1\" pending", "hold held-1", "checkpoint");
            assertThat(checkpoint(direction).path("read").asLong()).isEqualTo(SCRIPT.size());

            // the refused change is kept with the change itself, under an id of its own
            String failureId = ReplicationFailure.id("mongodb", direction,
                    new io.devflow.dr.control.ConflictRecord("devflow", "things", "\"apply-2\""), "apply-2");
            JsonNode failure = state.read("replication/failures/" + failureId).map(StateDocument::content).orElseThrow();
            assertThat(failure.path("target").asText()).isEqualTo(direction.target().value());
            assertThat(failure.path("error").asText()).isEqualTo("the target's validation refused apply-2");
            assertThat(failure.path("change").path("_id").asText()).isEqualTo("apply-2");
        }
        // manual: each conflict was recorded open, with both versions, and went to the dead letter that holds it
        List<Conflict> open = conflicts.open();
        assertThat(open).hasSize(2).allSatisfy(c -> {
            assertThat(c.decision()).isEqualTo(Decision.PENDING);
            assertThat(c.record().key()).isEqualTo("\"conflict-1\"");
            assertThat(c.sourceVersion().content().path("v").asText()).isEqualTo("source");
            assertThat(c.targetVersion().content().path("v").asText()).isEqualTo("target");
        });
        assertThat(open).extracting(Conflict::target).containsExactlyInAnyOrder("us-west-2", "eu-west-1");
    }

    @Test
    void shouldEndTheRoundOfADirectionWhoseWriteFailsAndGoOnWithTheOthers() throws Exception {
        // the round route is made from a template: its step ids are matched as patterns
        AdviceWith.adviceWith(context, "replication-round-mongodb", a -> a.weaveById(".*-write-target").before()
                .process(exchange -> {
                    Outcome.Apply<?> apply = exchange.getMessage().getBody(Outcome.Apply.class);
                    if (apply.direction().equals(TO_WEST)) {
                        throw new IllegalStateException("MongoDB us-west-2 is unreachable");
                    }
                }));
        context.start();

        await(() -> checkpoint(TO_EU) != null && store.calls(TO_WEST).contains("reset"));

        assertThat(store.calls(TO_EU)).contains("write [apply-1, apply-2]", "checkpoint");
        assertThat(store.calls(TO_WEST)).containsSubsequence("read", "classify", "reset")
                .doesNotContain("write [apply-1, apply-2]", "describe conflict-1", "hold held-1", "checkpoint");
        assertThat(checkpoint(TO_WEST)).as("the failed direction's checkpoint does not move").isNull();
        assertThat(replication.progress(TO_WEST, StoreKind.MONGODB).lastError())
                .contains("MongoDB us-west-2 is unreachable");
        assertThat(replication.progress(TO_EU, StoreKind.MONGODB).lastError()).isNull();
    }

    @Test
    void shouldStopAStoreOnlyOnceItsRoundInProgressHasEnded() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        store.readGate = gate;
        context.start();
        await(() -> store.calls.stream().anyMatch(c -> c.startsWith("read-waiting")));

        control.request(List.of(StoreKind.MONGODB), false, "operator");
        Thread.sleep(500); // several control ticks: none may stop the store while its round waits
        assertThat(store.calls).noneMatch(c -> c.startsWith("stop"));
        assertThat(replication.isRunning(StoreKind.MONGODB)).isTrue();

        store.readGate = null;
        gate.countDown();
        // the store counts as stopped first; each direction's final checkpoint and close follow
        await(() -> !replication.isRunning(StoreKind.MONGODB)
                && List.of(TO_WEST, TO_EU).stream().allMatch(d -> store.calls(d).contains("stop")));

        for (Direction direction : List.of(TO_WEST, TO_EU)) {
            List<String> calls = store.calls(direction);
            assertThat(calls).last().isEqualTo("stop");
            assertThat(calls).filteredOn(c -> c.equals("checkpoint")).hasSizeLessThanOrEqualTo(1);
        }
        assertThat(store.calls(TO_WEST)).containsSubsequence("read", "checkpoint", "stop");
        assertThat(checkpoint(TO_WEST).path("read").asLong()).isEqualTo(SCRIPT.size());
        assertThat(context.getRouteController().getRouteStatus("replication-mongodb").isStopped()).isTrue();
    }

    private JsonNode checkpoint(Direction direction) {
        return state.read("replication/checkpoints/" + direction.id() + "/mongodb").map(StateDocument::content).orElse(null);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static ReplicationConfig config() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode eu = at(root, "/disasterRecovery/regions").putObject("eu-west-1");
        eu.put("role", "secondary");
        eu.putObject("mongodb").put("url", "mongodb://db-eu:27017").putArray("databases").add("devflow").add("audit");
        eu.putObject("storage").put("type", "s3").put("bucket", "devflow-dr-eu").put("region", "eu-west-1");
        at(root, "/disasterRecovery").putObject("replication").put("conflictResolution", "manual")
                .putArray("stores").add("mongodb");
        return TestConfigs.load(root).replication().orElseThrow();
    }
}
