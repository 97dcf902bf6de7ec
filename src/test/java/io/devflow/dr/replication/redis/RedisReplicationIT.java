package io.devflow.dr.replication.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RegionalStateStore;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.support.StateConflictException;
import io.devflow.dr.testing.ControlStates;
import io.devflow.dr.testing.RedisData;
import io.devflow.dr.testing.ReplicationRound;
import io.devflow.dr.testing.TestEnvironment;
import io.devflow.dr.testing.TestKeys;
import io.devflow.dr.testing.TrippingClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Redis replication between two real Redis servers: driven round by round as the worker route drives it (read,
 * read the target, classify, write, each conflict described, decided, recorded and settled, checkpoint), and fed
 * by a real keyspace-notification subscription, as the notification route feeds it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisReplicationIT {

    static final Direction EAST_TO_WEST = Direction.of(EAST, WEST);
    static final Direction WEST_TO_EAST = Direction.of(WEST, EAST);
    static final List<Integer> DATABASES = List.of(0, 3);
    static final long TTL_TOLERANCE_MS = 1_500;

    TestEnvironment env;
    DrServices services;
    RegionalStateStore state;
    ConflictStore conflicts;
    final List<AutoCloseable> closeAfterTest = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        env = TestEnvironment.startWith(dir, Set.of(StoreKind.REDIS), EAST, WEST);
        services = env.services();
        state = ControlStates.of(services, Clock.systemUTC());
        conflicts = new ConflictStore(state, TestKeys.conflictCipher());
    }

    @BeforeEach
    void emptyBothRegions() {
        for (String region : List.of(EAST, WEST)) {
            try (Jedis jedis = jedis(region, 0)) {
                jedis.flushAll();
            }
        }
        state.delete("replication/checkpoints/" + EAST_TO_WEST.id() + "/redis");
        state.delete("replication/checkpoints/" + WEST_TO_EAST.id() + "/redis");
    }

    @AfterEach
    void closeWorkers() throws Exception {
        for (int i = closeAfterTest.size() - 1; i >= 0; i--) {
            closeAfterTest.get(i).close();
        }
        closeAfterTest.clear();
    }

    @AfterAll
    void stop() {
        state.close();
        env.close();
    }

    @Test
    void shouldCopyEveryTypeWhileTheSourceIsWrittenFromTwoThreads() throws Exception {
        try (Jedis db0 = jedis(EAST, 0); Jedis db3 = jedis(EAST, 3)) {
            for (int i = 0; i < 1_500; i++) {
                Writer.apply(db0, new Random(i), 400);
            }
            for (int i = 0; i < 400; i++) {
                Writer.apply(db3, new Random(-i), 100);
            }
            db0.set("untouched:long-ttl", "stays", SetParams.setParams().px(120_000));
        }
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        assertThat(notifyFlags(EAST)).contains("K").containsAnyOf("A", "g$lshzxe");

        try (Writer one = new Writer(EAST, 1, Duration.ofMillis(1_500)); Writer two = new Writer(EAST, 2, Duration.ofMillis(1_500))) {
            while (one.isAlive() || two.isAlive()) {
                worker.poll();
            }
            assertThat(one.operations() + two.operations()).isGreaterThan(1_000);
        }
        // let the short time-to-live keys expire in both regions
        Thread.sleep(1_100);
        awaitConverged(worker);

        assertThat(worker.conflicts).isEmpty();
        assertThat(worker.progress.phase()).isEqualTo(ReplicationProgress.Phase.STREAMING);
        assertThat(worker.replication.targetCounts(EAST_TO_WEST).get("keys")).isEqualTo(keyCount(EAST));
        assertThat(checkpoint(EAST_TO_WEST).path("initialSync").asText()).isEqualTo("complete");
        try (Jedis west = jedis(WEST, 0)) {
            assertThat(west.get("untouched:long-ttl")).isEqualTo("stays");
            assertThat(west.pttl("untouched:long-ttl")).isBetween(110_000L, 120_000L);
        }
    }

    @Test
    void shouldRepairWhatNotificationsMissedAndCountTheRepairs() throws Exception {
        try (Jedis db0 = jedis(EAST, 0); Jedis db3 = jedis(EAST, 3)) {
            for (int i = 0; i < 100; i++) {
                db0.set("string:" + i, "v" + i);
                db0.hset("hash:" + i, Map.of("a", "1", "b", "2"));
                db3.rpush("list:" + i, "x", "y");
            }
            db0.set("expiring", "kept", SetParams.setParams().px(60_000));
        }
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        awaitConverged(worker);
        worker.feed.close();
        long appliedBefore = worker.progress.appliedCount();

        try (Jedis db0 = jedis(EAST, 0); Jedis db3 = jedis(EAST, 3)) {
            for (int i = 0; i < 40; i++) {
                db0.set("string:" + i, "changed " + i);
            }
            for (int i = 0; i < 10; i++) {
                db0.hset("hash:" + i, "c", "3");
            }
            for (int i = 40; i < 60; i++) {
                db0.del("string:" + i);
            }
            for (int i = 0; i < 15; i++) {
                db3.sadd("new-set:" + i, "m" + i);
            }
            for (int i = 0; i < 4; i++) {
                db3.pexpire("list:" + i, 90_000);
            }
            db0.persist("expiring");
        }
        int changed = 40 + 10 + 20 + 15 + 4 + 1;
        for (int i = 0; i < 3; i++) {
            worker.poll();
        }
        assertThat(worker.progress.appliedCount()).as("nothing is heard of the changes").isEqualTo(appliedBefore);
        assertThat(snapshot(WEST)).isNotEqualTo(snapshot(EAST));

        long found = worker.replication.reconcile(EAST_TO_WEST);
        awaitConverged(worker);

        assertThat(found).isEqualTo(changed);
        assertThat(worker.progress.repairs()).isEqualTo(changed);
        assertThat(worker.progress.appliedCount() - appliedBefore).isEqualTo(changed);
        assertThat(worker.replication.reconcile(EAST_TO_WEST)).as("a second reconcile finds nothing").isZero();
        try (Jedis west = jedis(WEST, 0)) {
            assertThat(west.pttl("expiring")).isEqualTo(-1);
        }
    }

    /** 40 MiB of large values, at the initial sync and as changes: read a few at a time, copied byte for byte. */
    @Test
    void shouldCopyLargeValuesAFewAtATime() throws Exception {
        Random random = new Random(11);
        try (Jedis east = jedis(EAST, 0)) {
            for (int i = 0; i < 20; i++) {
                byte[] big = new byte[1 << 20];
                random.nextBytes(big);
                east.set(("big:" + i).getBytes(StandardCharsets.UTF_8), big);
            }
        }
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        awaitConverged(worker);
        try (Jedis east = jedis(EAST, 0)) {
            for (int i = 20; i < 40; i++) {
                byte[] big = new byte[1 << 20];
                random.nextBytes(big);
                east.set(("big:" + i).getBytes(StandardCharsets.UTF_8), big);
            }
        }
        awaitConverged(worker);

        try (Jedis east = jedis(EAST, 0); Jedis west = jedis(WEST, 0)) {
            for (int i = 0; i < 40; i++) {
                byte[] key = ("big:" + i).getBytes(StandardCharsets.UTF_8);
                assertThat(west.get(key)).as("big:" + i).isEqualTo(east.get(key));
            }
        }
        assertThat(worker.conflicts).isEmpty();
    }

    /** Values that fill more than one batch are read in several rounds, each within the batch's size. */
    @Test
    void shouldReadNoMoreLargeValuesInARoundThanFitInABatch() throws Exception {
        Random random = new Random(12);
        try (Jedis east = jedis(EAST, 0)) {
            for (int i = 0; i < 20; i++) {
                byte[] big = new byte[1 << 20];
                random.nextBytes(big);
                east.set(("big:" + i).getBytes(StandardCharsets.UTF_8), big);
            }
        }
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        List<Polled> rounds = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        do {
            assertThat(System.currentTimeMillis()).as("waited too long").isLessThan(deadline);
            rounds.add(worker.poll());
        } while (worker.progress.phase() != ReplicationProgress.Phase.STREAMING);

        assertThat(rounds).extracting(Polled::examined).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(16));
        assertThat(rounds).extracting(Polled::applied).filteredOn(n -> n > 0).hasSizeGreaterThan(1);
        assertThat(worker.progress.appliedCount()).isEqualTo(20);
        assertThat(keyCount(WEST)).isEqualTo(20);
    }

    /**
     * A round fails after it took notified keys from the queue (the target is out of memory): the routes reset the
     * direction, which puts the keys back, so they are copied as the changes they are once the target takes
     * writes again, not found by the next walk as repairs.
     */
    @Test
    void shouldCopyTheKeysOfAFailedRoundAsChangesNotRepairs() throws Exception {
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        awaitConverged(worker);
        worker.feed.close();
        long appliedBefore = worker.progress.appliedCount();
        try (Jedis east = jedis(EAST, 0)) {
            for (int i = 0; i < 30; i++) {
                east.set("after:" + i, "v" + i);
                worker.replication.notified(EAST, "__keyspace@0__:after:" + i, "set");
            }
        }

        try (Jedis west = jedis(WEST, 0)) {
            west.configSet("maxmemory", "1");
        }
        try {
            assertThatThrownBy(worker::poll).isInstanceOfSatisfying(RemoteOperationException.class,
                    e -> assertThat(e.isTransient()).isTrue()).hasMessageContaining("OOM");
        } finally {
            try (Jedis west = jedis(WEST, 0)) {
                west.configSet("maxmemory", "0");
            }
        }
        awaitConverged(worker);

        assertThat(jedisGet(WEST, 0, "after:29")).isEqualTo("v29");
        assertThat(worker.progress.appliedCount() - appliedBefore).isEqualTo(30);
        assertThat(worker.progress.repairs()).isZero();
    }

    /**
     * The target loses keys on its own (a FLUSHDB here; an eviction or a restart without persistence alike)
     * while the source keeps them: the reconcile sends them again as repairs, and even {@code manual} holds
     * nothing, since only one region changed.
     */
    @Test
    void shouldRepairKeysTheTargetLostWithoutCallingThemConflicts() throws Exception {
        try (Jedis db0 = jedis(EAST, 0); Jedis db3 = jedis(EAST, 3)) {
            for (int i = 0; i < 50; i++) {
                db0.set("string:" + i, "v" + i);
                db3.hset("hash:" + i, Map.of("a", "1"));
            }
        }
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        awaitConverged(worker);
        long appliedBefore = worker.progress.appliedCount();

        try (Jedis west = jedis(WEST, 0)) {
            west.flushDB();
        }
        long found = worker.replication.reconcile(EAST_TO_WEST);
        awaitConverged(worker);

        assertThat(found).isEqualTo(50);
        assertThat(worker.conflicts).isEmpty();
        assertThat(conflicts.open()).isEmpty();
        assertThat(worker.progress.repairs()).isEqualTo(50);
        assertThat(worker.progress.appliedCount() - appliedBefore).isEqualTo(50);
        assertThat(jedisGet(WEST, 0, "string:7")).isEqualTo("v7");
        assertThat(worker.replication.reconcile(EAST_TO_WEST)).as("a second reconcile finds nothing").isZero();
    }

    @Test
    void shouldHoldConflictsUntilResolvedWithManual() throws Exception {
        try (Jedis east = jedis(EAST, 0); Jedis east3 = jedis(EAST, 3)) {
            east.set("k1", "v0");
            east.set("k2", "v0");
            east3.set("k3", "v0");
        }
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        awaitConverged(worker);

        try (Jedis west = jedis(WEST, 0); Jedis west3 = jedis(WEST, 3)) {
            west.set("k1", "west-1");
            west.del("k2");
            west.hset("k2", "owner", "west");
            west3.set("k3", "west-3");
        }
        try (Jedis east = jedis(EAST, 0); Jedis east3 = jedis(EAST, 3)) {
            east.set("k1", "east-1");
            east.set("k2", "east-2");
            east3.set("k3", "east-3");
        }
        worker.pollUntil(() -> worker.conflicts.size() == 3);

        Conflict k1 = worker.conflict("k1");
        Conflict k2 = worker.conflict("k2");
        Conflict k3 = worker.conflict("k3");
        assertThat(List.of(k1, k2, k3)).allSatisfy(c -> {
            assertThat(c.decision()).isEqualTo(Decision.PENDING);
            assertThat(conflicts.get(c.id()).isOpen()).isTrue();
        });
        assertThat(k3.record().database()).isEqualTo("3");
        assertThat(k1.sourceVersion().content().path("preview").asText()).isEqualTo("east-1");
        assertThat(k1.sourceVersion().changedAt()).isNotNull();
        assertThat(k1.targetVersion().content().path("preview").asText()).isEqualTo("west-1");
        assertThat(k1.targetVersion().changedAt()).isNull();
        assertThat(k2.targetVersion().content().path("type").asText()).isEqualTo("hash");
        assertThat(k2.targetVersion().content().path("preview").asText()).isEqualTo("[owner=west] (1 item)");
        assertValues("k1", "east-1", "west-1");
        assertThat(jedisGet(EAST, 3, "k3")).isEqualTo("east-3");
        assertThat(jedisGet(WEST, 3, "k3")).isEqualTo("west-3");

        // a later source change of a held key is kept with its conflict, not applied
        try (Jedis east = jedis(EAST, 0)) {
            east.set("k1", "east-1b");
        }
        worker.pollUntil(() -> conflicts.get(k1.id()).laterSourceVersions() == 1);
        assertThat(conflicts.get(k1.id()).sourceVersion().content().path("preview").asText()).isEqualTo("east-1b");
        assertValues("k1", "east-1b", "west-1");
        assertThat(worker.replication.reconcile(EAST_TO_WEST)).as("held keys are not repairs").isZero();

        Conflict resolvedK1 = resolve(worker, conflicts.get(k1.id()), "source");
        assertThat(resolvedK1.decision()).isEqualTo(Decision.SOURCE);
        assertThat(conflicts.get(k1.id()).isOpen()).isFalse();
        assertValues("k1", "east-1b", "east-1b");

        resolve(worker, k2, "target");
        try (Jedis east = jedis(EAST, 0); Jedis west = jedis(WEST, 0)) {
            assertThat(east.hgetAll("k2")).isEqualTo(Map.of("owner", "west"));
            assertThat(west.hgetAll("k2")).isEqualTo(Map.of("owner", "west"));
        }

        assertThatThrownBy(() -> worker.replication.resolve(k3, Resolution.parse("{\"value\": 1}"), "test"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("custom JSON resolutions apply to MongoDB documents; resolve Redis conflicts with source or target");
        try (Jedis east3 = jedis(EAST, 3)) {
            east3.set("k3", "east-3b");
        }
        Conflict staleK3 = conflicts.get(k3.id());
        assertThatThrownBy(() -> worker.replication.resolve(staleK3, Resolution.parse("target"), "test"))
                .isInstanceOf(StateConflictException.class)
                .hasMessageContaining("changed in " + EAST + " since the conflict was recorded");
        assertThat(jedisGet(EAST, 3, "k3")).isEqualTo("east-3b");
        assertThat(jedisGet(WEST, 3, "k3")).isEqualTo("west-3");
        worker.pollUntil(() -> conflicts.get(k3.id()).laterSourceVersions() == 1);
        resolve(worker, conflicts.get(k3.id()), "target");
        assertThat(jedisGet(EAST, 3, "k3")).isEqualTo("west-3");

        // once resolved, keys replicate as before
        try (Jedis east = jedis(EAST, 0); Jedis east3 = jedis(EAST, 3)) {
            east.set("k1", "east-1c");
            east.set("k2", "east-2c");
            east3.set("k3", "east-3c");
        }
        awaitConverged(worker);
        assertValues("k1", "east-1c", "east-1c");
        assertValues("k2", "east-2c", "east-2c");
        assertThat(jedisGet(WEST, 3, "k3")).isEqualTo("east-3c");
        assertThat(worker.conflicts).hasSize(3);
    }

    /**
     * The CLI resolves a held key while {@code dr server} runs (its worker here): a source change made during
     * the resolution is held by the server's worker, and the resolution copies it once the hold is lifted,
     * without waiting for the reconcile.
     */
    @Test
    void shouldCopyASourceChangeHeldByAnotherProcessWhileTheResolutionRan() throws Exception {
        try (Jedis east = jedis(EAST, 0)) {
            east.set("k5", "v0");
        }
        Worker server = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        awaitConverged(server);
        try (Jedis west = jedis(WEST, 0)) {
            west.set("k5", "west-5");
        }
        try (Jedis east = jedis(EAST, 0)) {
            east.set("k5", "east-5");
        }
        server.pollUntil(() -> server.conflicts.size() == 1);
        Conflict open = conflicts.get(server.conflict("k5").id());

        TrippingClock cliClock = new TrippingClock();
        ReplicationConfig config = config(ConflictStrategy.MANUAL, EAST_TO_WEST);
        try (RedisReplication cli = new RedisReplication(services.regions(), config, conflicts,
                new Checkpoints(state, config.checkpointInterval(), cliClock), new ProgressBoard(cliClock), cliClock)) {
            // the resolution reads the key's two sides (a clock read each), then takes the time: there the source
            // changes and the server's worker holds the change
            cliClock.onRead(3, () -> {
                try (Jedis east = jedis(EAST, 0)) {
                    east.set("k5", "east-5b");
                }
                try {
                    server.pollUntil(() -> conflicts.get(open.id()).laterSourceVersions() == 1);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            conflicts.save(cli.resolve(open, Resolution.parse("source"), "test"));
            assertThat(cliClock.tripped()).isTrue();
        }
        assertValues("k5", "east-5b", "east-5b");

        try (Jedis east = jedis(EAST, 0)) {
            east.set("k5", "east-5c");
        }
        awaitConverged(server);
        assertValues("k5", "east-5c", "east-5c");
        assertThat(server.conflicts).hasSize(1);
        assertThat(server.replication.reconcile(EAST_TO_WEST)).as("nothing left for the reconcile").isZero();
    }

    @Test
    void shouldGiveTheSourceTheConflictWithLastWriteWinsAndKeepBothVersions() throws Exception {
        try (Jedis east = jedis(EAST, 0)) {
            east.set("k4", "v0");
        }
        Worker worker = worker(ConflictStrategy.LAST_WRITE_WINS, EAST_TO_WEST);
        awaitConverged(worker);
        try (Jedis west = jedis(WEST, 0)) {
            west.set("k4", "west-4");
        }
        try (Jedis east = jedis(EAST, 0)) {
            east.set("k4", "east-4");
        }

        worker.pollUntil(() -> worker.conflicts.size() == 1);
        awaitConverged(worker);

        Conflict stored = conflicts.get(worker.conflict("k4").id());
        assertThat(stored.isOpen()).isFalse();
        assertThat(stored.decision()).isEqualTo(Decision.SOURCE);
        assertThat(stored.resolvedBy()).isEqualTo("strategy");
        assertThat(stored.reason()).contains("source wins");
        assertThat(stored.sourceVersion().content().path("preview").asText()).isEqualTo("east-4");
        assertThat(stored.targetVersion().content().path("preview").asText()).isEqualTo("west-4");
        assertThat(stored.sourceVersion().content().path("dump").asText()).isNotEmpty();
        assertThat(stored.sourceVersion().sha256()).isNotEqualTo(stored.targetVersion().sha256()).isNotNull();
        assertValues("k4", "east-4", "east-4");
    }

    @Test
    void shouldReplicateBothWaysWithoutLooping() throws Exception {
        Worker eastToWest = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        Worker westToEast = worker(ConflictStrategy.MANUAL, WEST_TO_EAST);
        awaitConverged(eastToWest, westToEast);
        int writes = 200;

        Thread east = writeDistinctKeys(EAST, "east", writes);
        Thread west = writeDistinctKeys(WEST, "west", writes);
        while (east.isAlive() || west.isAlive()) {
            eastToWest.poll();
            westToEast.poll();
        }
        east.join();
        west.join();
        awaitConverged(eastToWest, westToEast);
        assertThat(keyCount(EAST)).isEqualTo(2L * writes);
        try (Jedis eastDb = jedis(EAST, 0); Jedis westDb = jedis(WEST, 0)) {
            for (int i = 0; i < 20; i++) {
                eastDb.del("east:" + i);
                westDb.del("west:" + i);
            }
        }
        awaitConverged(eastToWest, westToEast);
        // an echo is counted only when its notification has arrived, which may be after the data agrees
        long deadline = System.currentTimeMillis() + 10_000;
        while ((eastToWest.progress.echoes() < writes + 20 || westToEast.progress.echoes() < writes + 20)
                && System.currentTimeMillis() < deadline) {
            eastToWest.poll();
            westToEast.poll();
            Thread.sleep(20);
        }

        assertThat(keyCount(WEST)).isEqualTo(2L * writes - 40);
        assertThat(eastToWest.progress.appliedCount()).isEqualTo(writes + 20);
        assertThat(westToEast.progress.appliedCount()).isEqualTo(writes + 20);
        assertThat(eastToWest.progress.echoes()).isEqualTo(writes + 20);
        assertThat(westToEast.progress.echoes()).isEqualTo(writes + 20);
        assertThat(eastToWest.conflicts).isEmpty();
        assertThat(westToEast.conflicts).isEmpty();
        assertThat(eastToWest.replication.reconcile(EAST_TO_WEST)).isZero();
        assertThat(westToEast.replication.reconcile(WEST_TO_EAST)).isZero();
    }

    @Test
    void shouldCatchUpAfterARestartWhileWritesGoOn() throws Exception {
        try (Jedis db0 = jedis(EAST, 0)) {
            for (int i = 0; i < 1_000; i++) {
                Writer.apply(db0, new Random(i), 300);
            }
        }
        Worker first = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        Worker second;
        // the writers go on until the second worker has been reset, so changes are made while no one listens
        try (Writer one = new Writer(EAST, 3, Duration.ofSeconds(60)); Writer two = new Writer(EAST, 4, Duration.ofSeconds(60))) {
            long until = System.currentTimeMillis() + 300;
            while (first.progress.phase() != ReplicationProgress.Phase.STREAMING || System.currentTimeMillis() < until) {
                first.poll();
            }
            first.replication.stop(EAST_TO_WEST);
            first.close();
            long appliedAtStop = checkpoint(EAST_TO_WEST).path("applied").asLong();
            assertThat(appliedAtStop).isPositive();
            // changes made now are heard by no one
            Thread.sleep(300);

            second = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
            second.poll();
            assertThat(second.progress.appliedCount()).as("totals carried over").isGreaterThanOrEqualTo(appliedAtStop);
            until = System.currentTimeMillis() + 500;
            while (System.currentTimeMillis() < until) {
                second.poll();
            }
            // a transient failure: the routes reset the direction and poll again
            second.replication.reset(EAST_TO_WEST);
            until = System.currentTimeMillis() + 500;
            while (System.currentTimeMillis() < until) {
                second.poll();
            }
            one.finish();
            two.finish();
            while (one.isAlive() || two.isAlive()) {
                second.poll();
            }
        }
        Thread.sleep(1_100);
        awaitConverged(second);

        assertThat(second.conflicts).isEmpty();
        assertThat(second.progress.repairs()).as("changes made while no one listened, found by comparing").isPositive();
        assertThat(checkpoint(EAST_TO_WEST).path("initialSync").asText()).isEqualTo("complete");
    }

    @Test
    void shouldHealByReconcileWhenTheSourceRefusesToPublishNotifications() throws Exception {
        try (Jedis admin = jedis(EAST, 0)) {
            admin.configSet("notify-keyspace-events", "");
            admin.aclSetUser("default", "-config");
        }
        try {
            try (Jedis east = jedis(EAST, 0)) {
                east.set("before", "1");
            }
            Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
            assertThat(worker.replication.notificationsOff()).isTrue();
            assertThat(worker.replication.notificationsWarning()).contains("keyspace notifications are off on " + EAST
                    + ": set notify-keyspace-events KA; replication heals by reconcile every 60 s");
            awaitConverged(worker);
            try (Jedis east = jedis(EAST, 0)) {
                east.set("after", "2");
                east.del("before");
            }
            worker.poll();
            assertThat(jedisGet(WEST, 0, "after")).as("nothing is heard of the change").isNull();

            assertThat(worker.replication.reconcile(EAST_TO_WEST)).isEqualTo(2);
            awaitConverged(worker);
            assertThat(worker.progress.repairs()).isEqualTo(2);
        } finally {
            try (Jedis admin = jedis(EAST, 0)) {
                admin.aclSetUser("default", "+config");
            }
        }
    }

    @Test
    void shouldCopyKeysThatAreNotUtf8ByComparing() throws Exception {
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        try (Jedis east = jedis(EAST, 0)) {
            east.set("text", "t");
        }
        awaitConverged(worker);
        byte[] key = {'b', 'i', 'n', ':', (byte) 0xff, (byte) 0xfe};
        byte[] value = {0, 1, 2, (byte) 0x80};

        try (Jedis east = jedis(EAST, 0)) {
            east.set(key, value);
        }
        awaitConverged(worker);

        try (Jedis west = jedis(WEST, 0)) {
            assertThat(west.get(key)).isEqualTo(value);
        }
        assertThat(worker.progress.repairs()).as("found by the sweep its mangled notification asked for").isEqualTo(1);
    }

    @Test
    void shouldReportKeysTheTargetRefusesAndCopyThemOnceItTakesThem() throws Exception {
        Worker worker = worker(ConflictStrategy.MANUAL, EAST_TO_WEST);
        awaitConverged(worker);
        try (Jedis admin = jedis(WEST, 0)) {
            admin.aclSetUser("default", "-restore");
        }
        try {
            try (Jedis east = jedis(EAST, 0)) {
                east.set("refused", "value");
            }
            worker.pollUntil(() -> !worker.failures.isEmpty());

            assertThat(worker.failures).singleElement().satisfies(failure -> {
                assertThat(failure.id()).startsWith("failure-");
                assertThat(failure.record().key()).isEqualTo("refused");
                assertThat(failure.error()).contains("refused the key").contains("NOPERM");
                assertThat(failure.change().path("preview").asText()).isEqualTo("value");
            });
            assertThat(jedisGet(WEST, 0, "refused")).isNull();
            // met again by a reconcile while still refused: the same failure, kept under the same id
            assertThat(worker.replication.reconcile(EAST_TO_WEST)).isEqualTo(1);
            worker.pollUntil(() -> worker.failures.size() == 2);
            assertThat(worker.failures.get(1).id()).isEqualTo(worker.failures.get(0).id());
        } finally {
            try (Jedis admin = jedis(WEST, 0)) {
                admin.aclSetUser("default", "+restore");
            }
        }
        assertThat(worker.replication.reconcile(EAST_TO_WEST)).isEqualTo(1);
        awaitConverged(worker);
        assertThat(jedisGet(WEST, 0, "refused")).isEqualTo("value");
    }

    // --- the worker, as the routes drive it ---

    /**
     * What one round did.
     *
     * @param more whether there is more to read at once
     * @param examined how many keys it read in both regions
     * @param applied how many keys it wrote into the target
     */
    record Polled(boolean more, int examined, long applied) {
    }

    /** A replication in one direction, fed by a keyspace-notification subscription at its source. */
    final class Worker implements AutoCloseable {
        final RedisReplication replication;
        final Direction direction;
        final ReplicationConfig config;
        final ReplicationProgress progress;
        final Feed feed;
        final List<Conflict> conflicts = new ArrayList<>();
        final List<ReplicationFailure> failures = new ArrayList<>();

        Worker(ReplicationConfig config, Direction direction) throws InterruptedException {
            this.direction = direction;
            this.config = config;
            ProgressBoard board = new ProgressBoard(Clock.systemUTC());
            this.replication = new RedisReplication(services.regions(), config, RedisReplicationIT.this.conflicts,
                    new Checkpoints(state, config.checkpointInterval(), Clock.systemUTC()), board, Clock.systemUTC());
            this.progress = board.of(direction, StoreKind.REDIS);
            replication.enableNotifications();
            this.feed = new Feed(direction.source().value(), replication);
        }

        /** One round; each conflict recorded and settled, refused keys kept for the dead letters, then the checkpoint. */
        Polled poll() {
            long before = progress.appliedCount();
            ReplicationRound.Result round = ReplicationRound.run(replication, direction, config,
                    RedisReplicationIT.this.conflicts, Clock.systemUTC());
            conflicts.addAll(round.conflicts());
            failures.addAll(round.failures());
            return new Polled(round.more(), round.batch().examined(), progress.appliedCount() - before);
        }

        void pollUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!condition.getAsBoolean()) {
                assertThat(System.currentTimeMillis()).as("waited too long").isLessThan(deadline);
                if (!poll().more()) {
                    Thread.sleep(20);
                }
            }
        }

        Conflict conflict(String key) {
            return conflicts.stream().filter(c -> c.record().key().equals(key)).reduce((a, b) -> b).orElseThrow();
        }

        @Override
        public void close() throws Exception {
            feed.close();
            replication.close();
        }
    }

    Worker worker(ConflictStrategy strategy, Direction direction) throws InterruptedException {
        Worker worker = new Worker(config(strategy, direction), direction);
        closeAfterTest.add(worker);
        return worker;
    }

    static ReplicationConfig config(ConflictStrategy strategy, Direction direction) {
        return new ReplicationConfig(true, direction.source(), List.of(direction.target()),
                Set.of(StoreKind.REDIS), new ReplicationConfig.ConflictConfig(strategy, "updatedAt"),
                new ReplicationConfig.Health(Duration.ofMinutes(1), Duration.ofMinutes(5)), Duration.ofSeconds(1),
                new ReplicationConfig.Mongo("devflow_dr", 500, Duration.ofMillis(50)), new ReplicationConfig.Redis(15, Duration.ofSeconds(60), 200),
                new ReplicationConfig.Influx(Duration.ofSeconds(10), Duration.ofMinutes(1)));
    }

    /** What the notification route does: PSUBSCRIBE at the source, each message handed to the replication. */
    final class Feed implements AutoCloseable {
        final Jedis jedis;
        final JedisPubSub subscription;
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Feed(String region, RedisReplication replication) throws InterruptedException {
            CountDownLatch subscribed = new CountDownLatch(1);
            jedis = new Jedis("127.0.0.1", env.redis(region).port());
            subscription = new JedisPubSub() {
                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    replication.notified(region, channel, message);
                }

                @Override
                public void onPSubscribe(String pattern, int subscribedChannels) {
                    subscribed.countDown();
                }
            };
            thread = new Thread(() -> {
                try {
                    jedis.psubscribe(subscription, RedisReplication.NOTIFICATION_PATTERN);
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            }, "keyspace-feed-" + region);
            thread.setDaemon(true);
            thread.start();
            assertThat(subscribed.await(5, TimeUnit.SECONDS)).as("subscribed to " + region).isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            if (subscription.isSubscribed()) {
                subscription.punsubscribe();
            }
            thread.join(5_000);
            jedis.close();
            assertThat(failure.get()).isNull();
        }
    }

    // --- writing ---

    /** Writes random changes of every kind to one region for a while. */
    final class Writer extends Thread implements AutoCloseable {
        final String region;
        final Random random;
        volatile long until;
        volatile long operations;
        volatile Throwable failure;

        Writer(String region, long seed, Duration duration) {
            super("writer-" + region + "-" + seed);
            this.region = region;
            this.random = new Random(seed);
            this.until = System.currentTimeMillis() + duration.toMillis();
            start();
        }

        @Override
        public void run() {
            try (Jedis db0 = jedis(region, 0); Jedis db3 = jedis(region, 3)) {
                while (System.currentTimeMillis() < until) {
                    boolean inDb3 = random.nextInt(5) == 0;
                    apply(inDb3 ? db3 : db0, random, inDb3 ? 100 : 400);
                    if (++operations % 25 == 0) {
                        Thread.sleep(2);
                    }
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        long operations() {
            return operations;
        }

        /** Ends the writes now, whatever duration the writer was started with. */
        void finish() {
            until = 0;
        }

        /** One random change: every type, expiries short and long, deletions. */
        static void apply(Jedis jedis, Random random, int keys) {
            int n = random.nextInt(keys);
            switch (random.nextInt(14)) {
                case 0 -> jedis.set("s:" + n, "value-" + random.nextInt(1_000));
                case 1 -> jedis.set("s:" + n, "short-" + n, SetParams.setParams().px(200 + random.nextInt(700)));
                case 2 -> jedis.incr("counter:" + n % 20);
                case 3 -> jedis.hset("h:" + n, "f" + random.nextInt(8), "v" + random.nextInt(100));
                case 4 -> jedis.rpush("l:" + n, "i" + random.nextInt(100), "j" + random.nextInt(100));
                case 5 -> jedis.lpop("l:" + n);
                case 6 -> jedis.sadd("set:" + n, "m" + random.nextInt(300));
                case 7 -> jedis.srem("set:" + n, "m" + random.nextInt(300));
                case 8 -> jedis.zadd("z:" + n, random.nextInt(1_000) / 10.0, "m" + random.nextInt(50));
                case 9 -> jedis.xadd("x:" + n % 50, StreamEntryID.NEW_ENTRY, Map.of("n", Integer.toString(random.nextInt(100))));
                case 10 -> jedis.del(pick(random, n));
                case 11 -> jedis.pexpire(pick(random, n), 60_000 + random.nextInt(60_000));
                case 12 -> jedis.persist(pick(random, n));
                default -> jedis.hset("big:" + n % 5, "f" + random.nextInt(400), "v" + random.nextInt(100));
            }
        }

        private static String pick(Random random, int n) {
            return List.of("s:", "h:", "l:", "set:", "z:").get(random.nextInt(5)) + n;
        }

        @Override
        public void close() throws InterruptedException {
            join(10_000);
            assertThat(failure).isNull();
        }
    }

    /** Writes {@code count} distinct keys, one command each, of several types. */
    Thread writeDistinctKeys(String region, String prefix, int count) {
        Thread thread = new Thread(() -> {
            try (Jedis jedis = jedis(region, 0)) {
                for (int i = 0; i < count; i++) {
                    String key = prefix + ":" + i;
                    switch (i % 4) {
                        case 0 -> jedis.set(key, "value " + i);
                        case 1 -> jedis.hset(key, Map.of("a", "1", "b", Integer.toString(i)));
                        case 2 -> jedis.rpush(key, "x", "y", Integer.toString(i));
                        default -> jedis.set(key, "expiring " + i, SetParams.setParams().ex(300));
                    }
                    if (i % 20 == 0) {
                        Thread.sleep(3);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "writer-" + region);
        thread.start();
        return thread;
    }

    // --- comparing ---

    /**
     * Polls the workers until both regions hold the same keys, values and expiries, and nothing more arrives
     * for a while (notifications of the last writes, and their echoes, are still on their way when the data
     * first agrees), then asserts it.
     */
    void awaitConverged(Worker... workers) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        long quietSince = -1;
        while (System.currentTimeMillis() < deadline) {
            boolean more = false;
            for (Worker worker : workers) {
                Polled polled = worker.poll();
                more |= polled.more() || polled.applied() > 0;
            }
            if (more || !snapshot(EAST).equals(snapshot(WEST)) || !expiriesAgree()) {
                quietSince = -1;
            } else if (quietSince < 0) {
                quietSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - quietSince >= 200) {
                return;
            }
            if (!more) {
                Thread.sleep(20);
            }
        }
        assertThat(snapshot(WEST)).isEqualTo(snapshot(EAST));
        assertThat(expiriesAgree()).as("expiries agree").isTrue();
    }

    /** Every key of every replicated database: {@code db key -> type: value (expires)}. */
    Map<String, String> snapshot(String region) {
        return RedisData.snapshot(env.redis(region).port(), DATABASES);
    }

    boolean expiriesAgree() {
        for (int database : DATABASES) {
            try (Jedis east = jedis(EAST, database); Jedis west = jedis(WEST, database)) {
                for (String key : RedisData.keys(east)) {
                    long a = east.pttl(key);
                    long b = west.pttl(key);
                    if (a >= 0 && b >= 0 && Math.abs(a - b) > TTL_TOLERANCE_MS) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    long keyCount(String region) {
        long count = 0;
        for (int database : DATABASES) {
            try (Jedis jedis = jedis(region, database)) {
                count += jedis.dbSize();
            }
        }
        return count;
    }

    void assertValues(String key, String east, String west) {
        assertThat(jedisGet(EAST, 0, key)).as(EAST + " " + key).isEqualTo(east);
        assertThat(jedisGet(WEST, 0, key)).as(WEST + " " + key).isEqualTo(west);
    }

    String jedisGet(String region, int database, String key) {
        try (Jedis jedis = jedis(region, database)) {
            return jedis.get(key);
        }
    }

    String notifyFlags(String region) {
        try (Jedis jedis = jedis(region, 0)) {
            return jedis.configGet("notify-keyspace-events").get("notify-keyspace-events");
        }
    }

    Conflict resolve(Worker worker, Conflict conflict, String resolution) {
        Conflict resolved = worker.replication.resolve(conflict, Resolution.parse(resolution), "test");
        conflicts.save(resolved);
        return resolved;
    }

    JsonNode checkpoint(Direction direction) {
        return state.read("replication/checkpoints/" + direction.id() + "/redis").map(StateDocument::content).orElseThrow();
    }

    Jedis jedis(String region, int database) {
        Jedis jedis = new Jedis("127.0.0.1", env.redis(region).port());
        jedis.select(database);
        return jedis;
    }
}
