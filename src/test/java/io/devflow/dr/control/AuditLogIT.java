package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.ControlStates;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/** The hash-chained audit log in two regions' buckets (real s3proxy): tampering found, concurrent writers in one chain. */
class AuditLogIT {

    @TempDir
    Path dir;
    TestEnvironment env;
    DrServices services;
    AuditLog audit;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, EAST, WEST);
        services = env.services();
        audit = services.audit();
        for (int i = 1; i <= 5; i++) {
            audit.record("backup", "sre", "backup-" + i, outcome("completed"));
        }
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldVerifyAnUntouchedChainAndListItInOrder() {
        AuditVerification verification = audit.verify();

        assertThat(verification.intact()).isTrue();
        assertThat(verification.entries()).isEqualTo(5);
        assertThat(verification.headHash()).isEqualTo(AuditLog.hash(content(5)));
        List<AuditEntry> entries = audit.list(null, null, 100);
        assertThat(entries).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(entries).extracting(AuditEntry::subject).containsExactly("backup-1", "backup-2", "backup-3",
                "backup-4", "backup-5");
        assertThat(entries.get(2).prev()).isEqualTo(entries.get(1).hash());
        assertThat(entries).extracting(AuditEntry::outcome).containsOnly("completed");
        assertThat(audit.list(null, null, 2)).extracting(AuditEntry::seq).containsExactly(4L, 5L);
    }

    @Test
    void shouldNameARemovedEntry() {
        deleteEverywhere(3);

        AuditVerification verification = audit.verify();

        assertThat(verification.intact()).isFalse();
        assertThat(verification.firstBad()).isEqualTo(3);
        assertThat(verification.problem()).contains("entry 3 is missing");
        assertThat(verification.entries()).isEqualTo(2);
    }

    @Test
    void shouldNameEntriesRemovedFromTheEnd() {
        deleteEverywhere(5);
        deleteEverywhere(4);

        AuditVerification verification = audit.verify();

        assertThat(verification.firstBad()).isEqualTo(4);
        assertThat(verification.problem()).contains("entries 4 to 5 are missing");
    }

    @Test
    void shouldNameAnEntryWhoseBytesWereAltered() {
        for (String region : List.of(EAST, WEST)) {
            String stored = new String(bucket(region).getBytes(key(3)).orElseThrow(), StandardCharsets.UTF_8);
            bucket(region).put(key(3), stored.replace("backup-3", "backup-X").getBytes(StandardCharsets.UTF_8),
                    "application/json");
        }

        AuditVerification verification = audit.verify();

        assertThat(verification.firstBad()).isEqualTo(3);
        assertThat(verification.problem()).contains("entry 3 is not authentic");
    }

    @Test
    void shouldNameAnEntryAlteredBySomeoneHoldingTheControlKey() {
        ObjectNode altered = (ObjectNode) content(3).deepCopy();
        altered.put("subject", "nothing-to-see");
        resign(3, altered);

        AuditVerification verification = audit.verify();

        assertThat(verification.firstBad()).isEqualTo(3);
        assertThat(verification.problem()).contains("entry 4 records another hash of entry 3");
        assertThat(verification.entries()).isEqualTo(2);
    }

    @Test
    void shouldNameReorderedEntries() {
        for (String region : List.of(EAST, WEST)) {
            byte[] second = bucket(region).getBytes(key(2)).orElseThrow();
            byte[] third = bucket(region).getBytes(key(3)).orElseThrow();
            bucket(region).put(key(2), third, "application/json");
            bucket(region).put(key(3), second, "application/json");
        }

        assertThat(audit.verify().firstBad()).isEqualTo(2);
        assertThat(audit.verify().problem()).contains("entry 2 is not authentic");
    }

    @Test
    void shouldNameEntriesReorderedBySomeoneHoldingTheControlKey() {
        JsonNode second = content(2);
        JsonNode third = content(3);
        resign(2, third);
        resign(3, second);

        AuditVerification verification = audit.verify();

        assertThat(verification.firstBad()).isEqualTo(2);
        assertThat(verification.problem()).contains("entry 2 carries sequence number 3");
    }

    @Test
    void shouldNameAnInsertedEntry() {
        List<JsonNode> tail = List.of(content(3), content(4), content(5));
        ObjectNode inserted = (ObjectNode) content(3).deepCopy();
        inserted.put("subject", "planted");
        resign(3, inserted);
        for (int i = 0; i < tail.size(); i++) {
            ObjectNode moved = (ObjectNode) tail.get(i).deepCopy();
            moved.put("seq", 4 + i);
            resign(4 + i, moved);
        }

        AuditVerification verification = audit.verify();

        assertThat(verification.firstBad()).isEqualTo(3);
        assertThat(verification.problem()).contains("entry 4 records another hash of entry 3");
    }

    @Test
    void shouldNameAnEntryAppendedWithoutTheControlKey() throws Exception {
        ObjectNode planted = (ObjectNode) content(5).deepCopy();
        planted.put("seq", 6).put("prev", AuditLog.hash(content(5))).put("subject", "planted");
        byte[] forged = SealedDocument.encode(new SealedDocument.Body(AuditLog.entryPath(6), 1, 0, "mallory",
                Instant.now(), planted), KeyMaterial.random().controlMac());
        bucket(EAST).put(key(6), forged, "application/json");
        bucket(WEST).put(key(6), forged, "application/json");

        AuditVerification verification = audit.verify();

        assertThat(verification.firstBad()).isEqualTo(6);
        assertThat(verification.problem()).contains("entry 6 is not authentic");
    }

    @Test
    void shouldReportEntriesWrittenBeforeTheChainAsALegacyPrefix() {
        ObjectNode old = Json.MAPPER.createObjectNode().put("at", "2025-01-01T00:00:00Z").put("action",
                "replication-stop").put("by", "sre").put("subject", "replication");
        services.state().write("audit/20250101-000000-000-replication-stop-abc", old);

        AuditVerification verification = audit.verify();

        assertThat(verification.intact()).isTrue();
        assertThat(verification.legacyEntries()).isEqualTo(1);
        List<AuditEntry> entries = audit.list(null, null, 100);
        assertThat(entries.get(0).legacy()).isTrue();
        assertThat(entries.get(0).action()).isEqualTo("replication-stop");
        assertThat(entries).hasSize(6);
    }

    @Test
    void shouldKeepOneChainWhenSeveralProcessesAppendAtOnce() throws Exception {
        int writers = 3;
        int each = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<RegionalStateStore> stores = new ArrayList<>();
        try {
            List<Future<?>> appends = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                RegionalStateStore store = ControlStates.of(services, Clock.systemUTC());
                stores.add(store);
                AuditLog writer = new AuditLog(store, Clock.systemUTC());
                int id = w;
                appends.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        writer.record("verify", "writer-" + id, "w" + id + "-" + i, null);
                    }
                }));
            }
            for (Future<?> append : appends) {
                append.get();
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(RegionalStateStore::close);
        }

        AuditVerification verification = audit.verify();

        assertThat(verification.intact()).as(verification.problem()).isTrue();
        assertThat(verification.entries()).isEqualTo(5 + writers * each);
        List<String> subjects = audit.list(null, "verify", 1000).stream().map(AuditEntry::subject).toList();
        assertThat(subjects).hasSize(writers * each).doesNotHaveDuplicates();
        assertThat(services.state().read(AuditLog.HEAD).orElseThrow().content().path("seq").asLong())
                .isEqualTo(5 + writers * each);
    }

    private void deleteEverywhere(long seq) {
        bucket(EAST).delete(key(seq));
        bucket(WEST).delete(key(seq));
    }

    /** Writes an entry's content signed with the deployment's control key, as an insider could. */
    private void resign(long seq, JsonNode content) {
        try (ControlKeys keys = new ControlKeys(services.regions(), services.keys(), TestEnvironment.DEPLOYMENT,
                Clock.systemUTC())) {
            byte[] bytes = SealedDocument.encode(new SealedDocument.Body(AuditLog.entryPath(seq), 1, 0, "insider",
                    Instant.now(), content), keys.mac());
            bucket(EAST).put(key(seq), bytes, "application/json");
            bucket(WEST).put(key(seq), bytes, "application/json");
        }
    }

    private JsonNode content(long seq) {
        try {
            return Json.MAPPER.readTree(bucket(EAST).getBytes(key(seq)).orElseThrow()).path("document").path("content");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(long seq) {
        return "dr/control/" + AuditLog.entryPath(seq) + ".json";
    }

    private S3ObjectStore bucket(String region) {
        return env.bucketStore(region);
    }

    private static ObjectNode outcome(String outcome) {
        return Json.MAPPER.createObjectNode().put("outcome", outcome);
    }
}
