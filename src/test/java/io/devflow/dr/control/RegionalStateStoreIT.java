package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.StateConflictException;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control state in two regions' buckets (real s3proxy): what it trusts, what it copies, whom it lets write. */
class RegionalStateStoreIT {

    private static final String PATH = "replication/desired";
    private static final String KEY = "dr/control/" + PATH + ".json";

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;
    final List<String> rejected = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, EAST, WEST);
        services = env.services();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldNeitherUseNorCopyAForgedCopyWithAHigherRevision() throws Exception {
        try (RegionalStateStore operator = store(WriteAuthority.operator("sre"))) {
            operator.write(PATH, json("{\"mongodb\":\"running\"}"));
            byte[] genuine = bucket(EAST).getBytes(KEY).orElseThrow();
            SealedDocument.Body forgedBody = new SealedDocument.Body(PATH, Long.MAX_VALUE, Long.MAX_VALUE, "mallory",
                    Instant.now(), json("{\"mongodb\":\"stopped\"}"));
            bucket(WEST).put(KEY, SealedDocument.encode(forgedBody, KeyMaterial.random().controlMac()), "application/json");

            StateDocument read = operator.read(PATH).orElseThrow();

            assertThat(read.revision()).isEqualTo(1);
            assertThat(read.content()).isEqualTo(json("{\"mongodb\":\"running\"}"));
            assertThat(rejected).containsExactly(WEST + " " + PATH);
            assertThat(bucket(WEST).getBytes(KEY).orElseThrow()).isEqualTo(genuine);
            assertThat(operator.write(PATH, json("{\"mongodb\":\"stopped\"}")).revision()).isEqualTo(2);
        }
    }

    @Test
    void shouldNotCopyACopyThatIsNotSignedToTheOtherRegion() {
        try (RegionalStateStore operator = store(WriteAuthority.operator("sre"))) {
            bucket(EAST).put(KEY, legacy(999, "{\"mongodb\":\"stopped\"}"), "application/json");

            assertThat(operator.read(PATH)).isEmpty();

            assertThat(bucket(WEST).getBytes(KEY)).isEmpty();
            assertThat(rejected).containsExactly(EAST + " " + PATH);
        }
    }

    @Test
    void shouldRefuseTheWritesOfADeposedLeader() {
        try (RegionalStateStore first = store(leader(1, "east-a")); RegionalStateStore second = store(leader(2, "west-b"))) {
            first.write(PATH, json("{\"by\":\"east-a\"}"));
            second.write(PATH, json("{\"by\":\"west-b\"}"));

            assertThatThrownBy(() -> first.write(PATH, json("{\"by\":\"east-a again\"}")))
                    .isInstanceOf(FencedWriteException.class).hasMessageContaining("written by term 2");

            for (String region : List.of(EAST, WEST)) {
                JsonNode stored = storedDocument(region);
                assertThat(stored.path("epoch").asLong()).as(region).isEqualTo(2);
                assertThat(stored.path("revision").asLong()).as(region).isEqualTo(2);
                assertThat(stored.path("content").path("by").asText()).as(region).isEqualTo("west-b");
            }
        }
    }

    @Test
    void shouldWriteOnlyOverTheRevisionRead() {
        try (RegionalStateStore operator = store(WriteAuthority.operator("sre"))) {
            operator.write(PATH, json("{\"v\":1}"));
            operator.write(PATH, json("{\"v\":2}"));

            assertThat(operator.compareAndSet(PATH, 1, json("{\"v\":\"stale\"}"), new WriteAuthority.Stamp(0, "late", false)))
                    .isEmpty();
            assertThat(operator.compareAndSet(PATH, 2, json("{\"v\":3}"), new WriteAuthority.Stamp(0, "sre", false)))
                    .map(StateDocument::revision).contains(3L);

            assertThat(operator.read(PATH).orElseThrow().content()).isEqualTo(json("{\"v\":3}"));
        }
    }

    @Test
    void shouldApplyAnOperatorsChangeAgainToAFreshReadWhenAnotherWriterGotThereFirst() {
        try (RegionalStateStore mine = store(WriteAuthority.operator("sre-1"));
             RegionalStateStore theirs = store(WriteAuthority.operator("sre-2"))) {
            AtomicInteger changes = new AtomicInteger();

            StateDocument written = mine.update(PATH, current -> {
                if (changes.incrementAndGet() == 1) {
                    theirs.update(PATH, c -> json("{\"redis\":\"stopped\"}"));
                }
                ObjectNode content = current.map(d -> (ObjectNode) d.content().deepCopy())
                        .orElseGet(Json.MAPPER::createObjectNode);
                return content.put("mongodb", "stopped");
            });

            assertThat(changes).hasValue(2);
            assertThat(written.revision()).isEqualTo(2);
            assertThat(mine.read(PATH).orElseThrow().content())
                    .isEqualTo(json("{\"redis\":\"stopped\",\"mongodb\":\"stopped\"}"));
        }
    }

    @Test
    void shouldRefuseALeadersWriteThatLostARace() {
        try (RegionalStateStore leader = store(leader(3, "east-a")); RegionalStateStore operator = store(WriteAuthority.operator("sre"))) {
            assertThatThrownBy(() -> leader.update(PATH, current -> {
                operator.write(PATH, json("{\"by\":\"sre\"}"));
                return json("{\"by\":\"east-a\"}");
            })).isInstanceOf(StateConflictException.class);

            assertThat(leader.read(PATH).orElseThrow().content()).isEqualTo(json("{\"by\":\"sre\"}"));
        }
    }

    @Test
    void shouldNotTakeAReadersCopyOfALeadersWriteUnderWayForAnotherWriter() throws Exception {
        try (RegionalStateStore leader = store(leader(1, "east-a")); RegionalStateStore reader = store(WriteAuthority.operator("status"))) {
            leader.write(PATH, json("{\"v\":0}"));
            AtomicBoolean writing = new AtomicBoolean(true);
            // a reader finding one region ahead of the other copies the newer revision over, as dr status does
            Thread reads = new Thread(() -> {
                while (writing.get()) {
                    reader.read(PATH);
                }
            });
            reads.start();
            try {
                for (int v = 1; v <= 60; v++) {
                    assertThat(leader.write(PATH, json("{\"v\":" + v + "}")).revision()).isEqualTo(v + 1);
                }
            } finally {
                writing.set(false);
                reads.join(10_000);
            }

            for (String region : List.of(EAST, WEST)) {
                assertThat(storedDocument(region).path("content").path("v").asInt()).as(region).isEqualTo(60);
            }
        }
    }

    @Test
    void shouldGiveEveryLeaderTermItsOwnEpoch() {
        try (RegionalStateStore state = store(WriteAuthority.operator("sre"))) {
            LeaderTerms terms = new LeaderTerms(state, Clock.systemUTC());

            Leadership.Term first = terms.take("east-a", "http://east-a:8080");
            Leadership.Term second = terms.take("west-b", "http://west-b:8080");

            assertThat(first.epoch()).isEqualTo(1);
            assertThat(second.epoch()).isEqualTo(2);
            assertThat(terms.current()).contains(second);
        }
    }

    @Test
    void shouldUseUnsignedDocumentsOfThePreviousVersionOnlyOnceAnOperatorAdoptedThem() {
        try (RegionalStateStore operator = store(WriteAuthority.operator("sre"))) {
            bucket(EAST).put(KEY, legacy(4, "{\"mongodb\":\"stopped\"}"), "application/json");
            bucket(WEST).put(KEY, legacy(3, "{\"mongodb\":\"running\"}"), "application/json");
            assertThat(operator.read(PATH)).isEmpty();
            assertThat(operator.unsigned()).containsExactly(PATH);

            assertThat(operator.adopt(PATH)).isTrue();

            StateDocument adopted = operator.read(PATH).orElseThrow();
            assertThat(adopted.content()).isEqualTo(json("{\"mongodb\":\"stopped\"}"));
            assertThat(adopted.revision()).isEqualTo(1);
            assertThat(storedDocument(WEST).path("content")).isEqualTo(json("{\"mongodb\":\"stopped\"}"));
            assertThat(operator.unsigned()).isEmpty();
        }
    }

    private RegionalStateStore store(WriteAuthority authority) {
        return new RegionalStateStore(services.regions(), new ControlKeys(services.regions(), services.keys(),
                services.config().deploymentId(), Clock.systemUTC()), authority, (region, path, reason) -> rejected.add(region + " " + path),
                Clock.systemUTC());
    }

    private static WriteAuthority leader(long epoch, String instance) {
        WriteAuthority.Stamp stamp = new WriteAuthority.Stamp(epoch, instance, true);
        return () -> stamp;
    }

    private S3ObjectStore bucket(String region) {
        return env.bucketStore(region);
    }

    /** The signed document as stored in a region's bucket. */
    private JsonNode storedDocument(String region) {
        try {
            return Json.MAPPER.readTree(bucket(region).getBytes(KEY).orElseThrow()).path("document");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A document as the version before signatures wrote it. */
    private static byte[] legacy(long revision, String content) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("revision", revision);
        node.put("updatedAt", Instant.now().toString());
        node.set("content", json(content));
        return Json.bytes(node);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
