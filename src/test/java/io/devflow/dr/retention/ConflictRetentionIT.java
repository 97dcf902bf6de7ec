package io.devflow.dr.retention;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictCipher;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.ServerReplication;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention route of {@code dr server} deletes, after the backups' retention, the conflicts resolved longer
 * ago than {@code replication.conflicts.keepResolvedDays}, in every region's control state, and keeps open and
 * recently resolved ones; a dry run deletes nothing.
 */
class ConflictRetentionIT {

    private static final Direction EAST_TO_WEST = Direction.of(EAST, WEST);

    @TempDir
    Path dir;
    TestEnvironment env;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, dr -> {
            ServerReplication.replication(dr, "manual");
            ((ObjectNode) dr.get("replication")).put("enabled", false).putObject("conflicts").put("keepResolvedDays", 30);
        }, EAST, WEST);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldDeleteConflictsResolvedBeforeTheKeptDaysOnTheRetentionRoute() throws Exception {
        Instant now = Instant.now();
        DrServices writer = env.services();
        ConflictStore conflicts = new ConflictStore(writer.state(),
                new ConflictCipher(writer.keys(), TestEnvironment.DEPLOYMENT, writer.clock()));
        Instant longAgo = now.minus(Duration.ofDays(45));
        Conflict old = conflicts.save(open(longAgo).resolved(Decision.SOURCE, "cli", longAgo.plusSeconds(30), null, "ok"));
        Conflict lately = conflicts.save(open(longAgo.plusSeconds(1)).resolved(Decision.TARGET, "cli",
                now.minus(Duration.ofDays(2)), null, "ok"));
        Conflict stillOpen = conflicts.save(open(longAgo.plusSeconds(2)));
        Conflict legacy = open(longAgo.plusSeconds(3)).resolved(Decision.SOURCE, "api", longAgo.plusSeconds(60), null, "ok");
        writer.state().write("replication/conflicts/resolved/" + legacy.id(), Json.MAPPER.valueToTree(legacy));

        Clock later = Clock.fixed(now.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        try (DrServices server = new DrServices(env.config(), new RegionDirectory(env.config()), later);
             DrRuntime runtime = DrRuntime.start(server, DrRuntime.Mode.SERVER, ServerReplication.FAST)) {
            Leaders.awaitLeading(server);
            RetentionService.Report dryRun = runtime.producer().requestBody("direct:retention", true,
                    RetentionService.Report.class);
            assertThat(dryRun.resolvedConflicts().deleted()).containsExactly(old.id(), legacy.id());
            assertThat(conflictIds(EAST)).contains(old.id(), legacy.id());

            RetentionService.Report applied = runtime.producer().requestBody("direct:retention", false,
                    RetentionService.Report.class);

            assertThat(applied.resolvedConflicts().deleted()).containsExactly(old.id(), legacy.id());
            for (String region : List.of(EAST, WEST)) {
                assertThat(conflictIds(region)).as(region)
                        .containsExactlyInAnyOrder(lately.id(), stillOpen.id());
            }
            assertThat(server.replication().orElseThrow().resolvedConflicts(10)).containsExactly(lately);
        }
    }

    private Set<String> conflictIds(String region) {
        return env.bucketStore(region).list("dr/control/replication/conflicts/").stream().map(ObjectStore.ObjectInfo::key)
                .map(k -> k.substring(k.lastIndexOf('/') + 1).replace(".json", "")).collect(Collectors.toSet());
    }

    private static Conflict open(Instant detected) {
        return Conflict.detected(ConflictId.generate(detected), "mongodb", EAST_TO_WEST,
                new ConflictRecord("devflow", "orders", "\"order-1\""), ConflictStrategy.MANUAL, detected,
                new RecordVersion(true, Json.MAPPER.createObjectNode().put("qty", 2), detected, null, "00".repeat(32)),
                new RecordVersion(true, Json.MAPPER.createObjectNode().put("qty", 5), detected, null, "11".repeat(32)),
                Decision.PENDING, "manual");
    }
}
