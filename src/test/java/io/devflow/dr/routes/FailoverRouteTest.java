package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.failover.FailoverCompensations;
import io.devflow.dr.failover.FailoverNotices;
import io.devflow.dr.failover.FailoverPlanner;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.failover.FailoverRecords;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.FailoverStep;
import io.devflow.dr.failover.FailoverSteps;
import io.devflow.dr.failover.Failovers;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.failover.fencing.Fence;
import io.devflow.dr.failover.fencing.StoreFence;
import io.devflow.dr.failover.routing.FileRoutingProvider;
import io.devflow.dr.failover.routing.RoutingChange;
import io.devflow.dr.notify.Notice;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.ScriptedEvidence;
import io.devflow.dr.testing.TestConfigs;
import io.devflow.dr.testing.TestFailovers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failover routes as dr server loads them (steps, errors, compensations, recovery), over a real routing file, the
 * control state in memory, and a fence and canary that record what they were asked. A failure injected at the end of
 * each step (after it changed what it changes) must leave routing, fences, the active region and its term exactly as
 * they were, and the record must say what was compensated. A record left half done by a controller that is gone is
 * finished by the leader.
 */
class FailoverRouteTest extends CamelMainTestSupport {

    static final RegionId EAST = RegionId.of("us-east-1");
    static final RegionId WEST = RegionId.of("us-west-2");
    static final byte[] ORIGINAL_ROUTING = "{\"activeRegion\": \"us-east-1\", \"pool\": \"blue\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    final Path dir = temporaryDirectory();
    final Path routingFile = dir.resolve("active-region.json");
    final Clock clock = Clock.systemUTC();
    final MemoryStateStore state = new MemoryStateStore();
    final DrConfig config = config(routingFile);
    final ActiveRegions active = new ActiveRegions(config, state, clock);
    final FailoverRecords records = new FailoverRecords(state);
    final ScriptedEvidence evidence = TestFailovers.evidence(config, state, clock);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Failovers failovers = TestFailovers.service(config, state, evidence, meters, clock);
    final RecordingFence fence = new RecordingFence();
    final FileRoutingProvider routing = new FileRoutingProvider(routingFile, () -> {
        ActiveRegion now = active.fresh();
        return new FileRoutingProvider.Context(now.failoverId(), now.term());
    }, clock);
    final List<Notice> notices = new CopyOnWriteArrayList<>();

    static DrConfig config(Path routingFile) {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode failover = at(root, "/disasterRecovery").putObject("recovery").putObject("failover");
        failover.putObject("routing").put("provider", "file").putObject("file").put("path", routingFile.toString());
        return TestConfigs.load(root);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("classpath:routes/_shared/failover-errors.camel.yaml,"
                + "classpath:routes/failover/failover.camel.yaml");
        configuration.addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:notify").routeId("test-notifier").process(e -> notices.add(e.getIn().getBody(Notice.class)));
            }
        });
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("dr.failover.recoveryPeriodMs", "200");
        p.setProperty("dr.failover.renewPeriodMs", "100");
        return p;
    }

    @Override
    protected Registry createCamelRegistry() {
        FailoverPlanner planner = new FailoverPlanner(config, evidence, clock);
        StoreCanary canary = new StoreCanary() {
            @Override
            public StoreKind store() {
                return StoreKind.MONGODB;
            }

            @Override
            public CanaryResult check(RegionId region) {
                return new CanaryResult(StoreKind.MONGODB, region.value(), true, 1, "written, read back, removed");
            }
        };
        Registry registry = new DefaultRegistry();
        registry.bind("failovers", failovers);
        registry.bind("failoverSteps", new FailoverSteps(config, planner, evidence, records, active, routing,
                List.of(fence), java.util.Optional.empty(), List.of(canary), clock));
        registry.bind("failoverCompensations", new FailoverCompensations(records, active, routing, List.of(fence), clock));
        registry.bind("failoverNotices", new FailoverNotices(clock));
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setRoot(dir.resolve("cluster").toString());
        cluster.setAcquireLockDelay(10, TimeUnit.MILLISECONDS);
        cluster.setAcquireLockInterval(100, TimeUnit.MILLISECONDS);
        registry.bind("clusterService", cluster);
        return registry;
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Test
    void shouldRunTheSixStepsAndSendClientsToTheTarget() throws Exception {
        FailoverRecord done = run();

        assertThat(done.state()).as(done.toString()).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(done.steps()).extracting(StepRecord::step).containsExactly(FailoverStep.values());
        assertThat(done.steps()).allSatisfy(s -> assertThat(s.outcome()).isEqualTo("done"));
        ActiveRegion now = active.fresh();
        assertThat(now.region()).isEqualTo(WEST);
        assertThat(now.term()).isEqualTo(1);
        assertThat(now.failoverId()).isEqualTo(done.id());
        JsonNode file = Json.MAPPER.readTree(Files.readAllBytes(routingFile));
        assertThat(file.path("activeRegion").asText()).isEqualTo("us-west-2");
        assertThat(file.path("state").asText()).isEqualTo("active");
        assertThat(file.path("term").asLong()).isEqualTo(1);
        assertThat(file.path("failoverId").asText()).isEqualTo(done.id());
        assertThat(fence.fenced).containsExactly("us-east-1");
        assertThat(fence.up).as("fences lifted after completion").isEmpty();
        assertThat(notices).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("failover.completed");
            assertThat(n.facts()).containsEntry("To", "us-west-2").containsEntry("Failover", done.id());
        });
        assertThat(meters.get("dr.failovers").tags("trigger", "manual", "outcome", "completed").counter().count())
                .isEqualTo(1);
        // the gauge reads the active region through its cache of a few seconds
        await(() -> meters.get("dr.active.region").tags("region", "us-west-2").gauge().value() == 1);
        assertThat(meters.get("dr.active.region").tags("region", "us-east-1").gauge().value()).isEqualTo(0);
        assertThat(state.paths()).filteredOn(p -> p.startsWith("audit/chain/"))
                .extracting(p -> state.read(p).orElseThrow().content().path("action").asText())
                .contains("failover-completed");
    }

    @ParameterizedTest
    @EnumSource(FailoverStep.class)
    void shouldUndoExactlyWhatTheStepsUpToAFailedOneChanged(FailoverStep failing) throws Exception {
        AdviceWith.adviceWith(context, "failover-" + failing.id(), route -> route.weaveAddLast()
                .throwException(new IllegalStateException("injected failure after " + failing.id())));

        FailoverRecord rolledBack = run();
        await(() -> notices.stream().anyMatch(n -> n.event().equals("failover.rolled-back")));

        assertThat(rolledBack.state()).as(rolledBack.toString()).isEqualTo(FailoverRecord.State.ROLLED_BACK);
        assertThat(rolledBack.error()).isEqualTo(failing.id() + " failed: injected failure after " + failing.id());
        assertThat(rolledBack.steps()).extracting(StepRecord::step)
                .containsExactly(List.of(FailoverStep.values()).subList(0, failing.ordinal() + 1).toArray(FailoverStep[]::new));
        assertThat(rolledBack.step(failing).orElseThrow().outcome()).isEqualTo("failed");
        for (StepRecord step : rolledBack.steps()) {
            boolean changes = Set.of(FailoverStep.STOP_TRAFFIC, FailoverStep.PROMOTE, FailoverStep.UPDATE_ROUTING)
                    .contains(step.step());
            assertThat(step.compensation()).as(step.step().id()).isEqualTo(changes ? "done" : "none");
        }
        // exactly as before: the configured primary in term 0, the routing file's bytes, no fence left
        ActiveRegion now = active.fresh();
        assertThat(now).isEqualTo(ActiveRegion.configured(EAST));
        assertThat(Files.readAllBytes(routingFile)).isEqualTo(ORIGINAL_ROUTING);
        assertThat(fence.up).isEmpty();
        assertThat(fence.fenced).hasSize(failing.compareTo(FailoverStep.STOP_TRAFFIC) >= 0 ? 1 : 0);
        assertThat(notices).last().satisfies(n -> assertThat(n.event()).isEqualTo("failover.rolled-back"));
        assertThat(meters.get("dr.failovers").tags("trigger", "manual", "outcome", "rolled-back").counter().count())
                .isEqualTo(1);
    }

    @Test
    void shouldCompleteAFailoverLeftAfterItsPromoteStepByAControllerThatIsGone() throws Exception {
        Files.write(routingFile, ORIGINAL_ROUTING);
        FailoverRecord left = leftBehind(true);

        context.start();

        FailoverRecord finished = awaitFinished(left.id());
        assertThat(finished.state()).as(finished.toString()).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(finished.controller()).isEqualTo("test (took over from dead-controller, term 0)");
        assertThat(finished.epoch()).isEqualTo(1);
        assertThat(active.fresh().region()).isEqualTo(WEST);
        assertThat(Json.MAPPER.readTree(Files.readAllBytes(routingFile)).path("activeRegion").asText()).isEqualTo("us-west-2");
        assertThat(fence.up).isEmpty();
        assertThat(state.paths()).filteredOn(p -> p.startsWith("audit/chain/"))
                .extracting(p -> state.read(p).orElseThrow().content().path("action").asText())
                .contains("failover-resumed");
    }

    @Test
    void shouldRollBackAFailoverLeftBeforeItsPromoteStepCompleted() throws Exception {
        Files.write(routingFile, ORIGINAL_ROUTING);
        FailoverRecord left = leftBehind(false);

        context.start();

        FailoverRecord finished = awaitFinished(left.id());
        assertThat(finished.state()).as(finished.toString()).isEqualTo(FailoverRecord.State.ROLLED_BACK);
        assertThat(finished.error()).isEqualTo("promote failed: its controller dead-controller stopped during the step");
        assertThat(finished.step(FailoverStep.STOP_TRAFFIC).orElseThrow().compensation()).isEqualTo("done");
        assertThat(finished.controller()).startsWith("test (took over from dead-controller");
        assertThat(active.fresh()).isEqualTo(ActiveRegion.configured(EAST));
        assertThat(Files.readAllBytes(routingFile)).isEqualTo(ORIGINAL_ROUTING);
        assertThat(fence.up).isEmpty();
    }

    @Test
    void shouldRecordAFenceAsBeingSetBeforeAskingForIt() throws Exception {
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        fence.whileFencing = () -> records.newest(1).forEach(r -> seen.add(
                r.step(FailoverStep.STOP_TRAFFIC).orElseThrow().changes()));

        FailoverRecord done = run();

        assertThat(done.state()).as(done.toString()).isEqualTo(FailoverRecord.State.COMPLETED);
        assertThat(seen).singleElement().satisfies(changes -> {
            assertThat(changes.path("fencing").asText()).isEqualTo("mongodb");
            assertThat(changes.path("routing").path("action").asText()).isEqualTo("drain");
        });
        JsonNode stopped = done.step(FailoverStep.STOP_TRAFFIC).orElseThrow().changes();
        assertThat(stopped.has("fencing")).as(stopped.toString()).isFalse();
        assertThat(stopped.path("fences")).hasSize(1);
    }

    @Test
    void shouldLiftTheFenceItsControllerWasSettingWhenItStopped() throws Exception {
        Files.write(routingFile, ORIGINAL_ROUTING);
        FailoverRequest request = new FailoverRequest(WEST, "drill", false, FailoverRequest.Trigger.MANUAL, "oncall");
        ActiveRegion previous = active.fresh();
        ObjectNode stopping = Json.MAPPER.createObjectNode();
        stopping.set("routing", Json.MAPPER.valueToTree(routing.drain(EAST)));
        stopping.putArray("fences");
        stopping.put("fencing", "mongodb");
        // the hook fenced, and its controller died before it answered
        fence.fence(EAST, Duration.ofSeconds(30));
        FailoverRecord left = records.save(new FailoverRecord(FailoverRecords.newId(clock.instant()),
                FailoverRecord.State.RUNNING, request, failovers.plan(request), List.of(
                new StepRecord(FailoverStep.VALIDATE_TARGET, clock.instant(), clock.instant(), "done", "ok", null, "none"),
                new StepRecord(FailoverStep.STOP_TRAFFIC, clock.instant(), null, "running", null, stopping, "none")),
                Json.MAPPER.valueToTree(previous), null, "dead-controller", 0, clock.instant(), null, null));

        context.start();

        FailoverRecord finished = awaitFinished(left.id());
        assertThat(finished.state()).as(finished.toString()).isEqualTo(FailoverRecord.State.ROLLED_BACK);
        assertThat(finished.error()).isEqualTo("stop-traffic failed: its controller dead-controller stopped during the step");
        assertThat(finished.step(FailoverStep.STOP_TRAFFIC).orElseThrow().compensation()).isEqualTo("done");
        assertThat(fence.up).as("the fence being set when its controller stopped").isEmpty();
        assertThat(Files.readAllBytes(routingFile)).isEqualTo(ORIGINAL_ROUTING);
        assertThat(active.fresh()).isEqualTo(previous);
    }

    /** A record as a controller that died would leave it: source drained and fenced, promote running or done. */
    private FailoverRecord leftBehind(boolean promoted) {
        FailoverRequest request = new FailoverRequest(WEST, "drill", false, FailoverRequest.Trigger.MANUAL, "oncall");
        ActiveRegion previous = active.fresh();
        String id = FailoverRecords.newId(clock.instant());
        ObjectNode stopped = Json.MAPPER.createObjectNode();
        RoutingChange drained = routing.drain(EAST);
        stopped.set("routing", Json.MAPPER.valueToTree(drained));
        stopped.putArray("fences").add(Json.MAPPER.valueToTree(fence.fence(EAST, Duration.ofSeconds(30))));
        List<StepRecord> steps = new java.util.ArrayList<>(List.of(
                new StepRecord(FailoverStep.VALIDATE_TARGET, clock.instant(), clock.instant(), "done", "ok", null, "none"),
                new StepRecord(FailoverStep.STOP_TRAFFIC, clock.instant(), clock.instant(), "done", "drained", stopped, "none")));
        if (promoted) {
            ActiveRegion now = active.promote(previous, WEST, id, "oncall");
            ObjectNode changes = Json.MAPPER.createObjectNode();
            changes.set("previous", Json.MAPPER.valueToTree(previous));
            changes.set("promoted", Json.MAPPER.valueToTree(now));
            steps.add(new StepRecord(FailoverStep.PROMOTE, clock.instant(), clock.instant(), "done", "promoted", changes, "none"));
        } else {
            steps.add(new StepRecord(FailoverStep.PROMOTE, clock.instant(), null, "running", null, null, "none"));
        }
        return records.save(new FailoverRecord(id, FailoverRecord.State.RUNNING, request,
                failovers.plan(request), steps, Json.MAPPER.valueToTree(previous), null, "dead-controller", 0,
                clock.instant(), null, null));
    }

    private FailoverRecord run() throws Exception {
        Files.write(routingFile, ORIGINAL_ROUTING);
        context.start();
        failovers.launchWith(record -> template.asyncSendBody("direct:failover", record));
        FailoverRecord started = failovers.start(new FailoverRequest(WEST, "drill", false,
                FailoverRequest.Trigger.MANUAL, "oncall"));
        assertThat(started.state()).as(started.toString()).isEqualTo(FailoverRecord.State.RUNNING);
        FailoverRecord finished = awaitFinished(started.id());
        await(() -> !notices.isEmpty());
        return finished;
    }

    private FailoverRecord awaitFinished(String id) throws InterruptedException {
        await(() -> records.get(id).map(r -> r.state().finished()).orElse(false)
                && failovers.runningHere().isEmpty());
        return records.get(id).orElseThrow();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("dr-failover-route");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fence that records the regions it fenced and which fences are up now. */
    static final class RecordingFence implements StoreFence {
        final List<String> fenced = new CopyOnWriteArrayList<>();
        final Set<String> up = ConcurrentHashMap.newKeySet();
        /** Runs while a fence is asked for, before it answers. */
        volatile Runnable whileFencing = () -> { };

        @Override
        public StoreKind store() {
            return StoreKind.MONGODB;
        }

        @Override
        public Fence fence(RegionId region, Duration hold) {
            whileFencing.run();
            fenced.add(region.value());
            up.add(region.value());
            return new Fence(StoreKind.MONGODB, region.value(), true, "test hook", null, null,
                    Json.MAPPER.valueToTree(Map.of("region", region.value())));
        }

        @Override
        public Fence renew(Fence fence, Duration hold) {
            return fence;
        }

        @Override
        public void lift(Fence fence) {
            up.remove(fence.region());
        }
    }
}
