package io.devflow.dr.app;

import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping {@code dr server} while the leader's capture worker has a MongoDB segment open, against real servers:
 * the segment closes early and is committed, and its exchange ends as it began, not refused by a route Camel already
 * stopped under it (which is what happened when the leader's {@code master:} routes were stopped with work under
 * way: the work was done, then its exchange failed with a RejectedExecutionException).
 */
class RuntimeShutdownIT {

    private static final String CAPTURE_ROUTE = "mongodb-capture-worker";

    @TempDir
    Path dir;
    TestEnvironment env;

    @AfterEach
    void stop() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void shouldCommitTheOpenSegmentAndFailNoExchangeWhenTheServerStops() throws Exception {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB),
                dr -> dr.with("backup").with("incremental").put("captureWorker", true).put("segmentMinutes", 10), EAST);
        env.client(EAST).getDatabase("devflow").getCollection("things").insertOne(new Document("_id", "before"));
        DrServices services = env.services();
        DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of());
        List<String> failed = new CopyOnWriteArrayList<>();
        EventNotifierSupport failures = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeFailedEvent failure
                        && CAPTURE_ROUTE.equals(failure.getExchange().getFromRouteId())) {
                    failed.add(String.valueOf(failure.getExchange().getException()));
                }
            }
        };
        failures.start();
        runtime.context().getManagementStrategy().addEventNotifier(failures);
        BackupRecord full = runtime.producer().requestBody("direct:backup",
                new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
        assertThat(full.isCompleted()).as(String.valueOf(full.error())).isTrue();
        Poll.until("a capture segment open", Duration.ofSeconds(60), () -> services.running().all().stream()
                .anyMatch(r -> r.trigger().equals("capture")));
        env.client(EAST).getDatabase("devflow").getCollection("things").insertOne(new Document("_id", "during-segment"));

        runtime.close();

        assertThat(failed).as("capture exchanges that failed while the server stopped").isEmpty();
        List<BackupRecord> segments = services.catalog().completed(StoreKind.MONGODB, services.regions().get(EAST))
                .stream().filter(r -> r.trigger().equals("capture")).toList();
        assertThat(segments).as("the open segment, closed early and committed").hasSize(1);
        assertThat(segments.get(0).parent()).isEqualTo(full.id());
    }
}
