package io.devflow.dr.replication.mongodb;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The linger of MongoDB replication's reads, against real change streams (mongo-java-server): a round that read a
 * partly filled batch waits once and takes the writes that arrived meanwhile; a full or empty batch, or a linger of
 * zero, does not wait. The writes "during the wait" are made by the pause itself, so nothing depends on timing.
 */
class MongoLingerIT {

    private static final Direction EAST_TO_WEST = Direction.of(EAST, WEST);

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;
    final List<Duration> pauses = new ArrayList<>();
    int written;

    @BeforeEach
    void start() {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.MONGODB), EAST, WEST);
        services = env.services();
        write();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldTakeTheWritesThatArriveDuringTheLingerIntoTheSameRound() {
        MongoSession session = session(500, Duration.ofMillis(50), () -> {
            write();
            write();
        });
        MongoCheckpoint streaming = streaming(session);
        write();

        MongoChanges round = session.read(streaming);

        assertThat(ids(round)).containsExactly("doc-2", "doc-3", "doc-4");
        assertThat(pauses).containsExactly(Duration.ofMillis(50));
        assertThat(session.read(round.reached()).changes()).as("nothing new: an empty round").isEmpty();
        assertThat(pauses).as("an empty round does not wait").hasSize(1);
    }

    @Test
    void shouldNotWaitWithAFullBatchOrALingerOfZero() {
        MongoSession full = session(2, Duration.ofMillis(50), this::write);
        MongoCheckpoint streaming = streaming(full);
        write();
        write();

        MongoChanges round = full.read(streaming);

        assertThat(ids(round)).containsExactly("doc-2", "doc-3");
        assertThat(round.more()).isTrue();

        MongoSession never = session(500, Duration.ZERO, this::write);
        MongoCheckpoint from = streaming(never);
        write();

        assertThat(ids(never.read(from))).containsExactly("doc-4");
        assertThat(pauses).isEmpty();
    }

    /** A session of east to west whose pause records its length and runs {@code meanwhile}. */
    private MongoSession session(int batchSize, Duration linger, Runnable meanwhile) {
        return new MongoSession(EAST_TO_WEST, services.regions().get(EAST), services.regions().get(WEST),
                new ReplicationConfig.Mongo("devflow_dr", batchSize, linger), Clock.systemUTC(), duration -> {
                    pauses.add(duration);
                    meanwhile.run();
                });
    }

    /** Through the initial sync's copy (of what is there now) to the change streams. */
    private static MongoCheckpoint streaming(MongoSession session) {
        MongoCheckpoint at = session.fresh();
        while (at.copying()) {
            at = session.read(at).reached();
        }
        return at;
    }

    private void write() {
        written++;
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertOne(new Document("_id", "doc-" + written).append("n", written));
    }

    private static List<String> ids(MongoChanges changes) {
        return changes.changes().stream().map(change -> change.id().asString().getValue()).toList();
    }
}
