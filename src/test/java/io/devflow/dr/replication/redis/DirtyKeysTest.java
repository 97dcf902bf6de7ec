package io.devflow.dr.replication.redis;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyKeysTest {

    static final Instant T0 = Instant.parse("2026-01-27T10:00:00Z");

    static RedisKey key(int database, String key) {
        return new RedisKey(database, key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldQueueEachKeyOnceOldestFirstWithItsNewestTime() {
        DirtyKeys keys = new DirtyKeys(10);
        keys.changed(key(0, "a"), T0);
        keys.changed(key(0, "b"), T0.plusSeconds(1));
        keys.changed(key(0, "a"), T0.plusSeconds(2));
        keys.changed(key(3, "a"), T0.plusSeconds(3));

        List<DirtyKeys.Pending> drained = keys.drain(10);

        assertThat(drained).extracting(p -> p.key().toString()).containsExactly("0 a", "0 b", "3 a");
        assertThat(drained.get(0).changedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(keys.isEmpty()).isTrue();
    }

    @Test
    void shouldDrainInBatches() {
        DirtyKeys keys = new DirtyKeys(10);
        for (int i = 0; i < 5; i++) {
            keys.changed(key(0, "k" + i), T0);
        }

        assertThat(keys.drain(2)).extracting(p -> p.key().toString()).containsExactly("0 k0", "0 k1");
        assertThat(keys.size()).isEqualTo(3);
    }

    @Test
    void shouldDropKeysBeyondTheBoundAndAskForASweep() {
        DirtyKeys keys = new DirtyKeys(2);
        keys.changed(key(0, "a"), T0);
        keys.changed(key(0, "b"), T0);
        assertThat(keys.takeSweepRequest()).isFalse();

        keys.changed(key(0, "c"), T0);
        keys.changed(key(0, "a"), T0.plusSeconds(1));

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.takeSweepRequest()).isTrue();
        assertThat(keys.takeSweepRequest()).isFalse();
    }

    @Test
    void shouldMarkOnlyKeysTheReconcileFoundAloneAsRepairs() {
        DirtyKeys keys = new DirtyKeys(10);
        keys.changed(key(0, "notified"), T0);

        assertThat(keys.outOfStep(key(0, "notified"), T0)).isFalse();
        assertThat(keys.outOfStep(key(0, "missed"), T0)).isTrue();
        keys.outOfStep(key(0, "missed then notified"), T0);
        keys.changed(key(0, "missed then notified"), T0.plusSeconds(1));

        assertThat(keys.drain(10)).extracting(p -> p.key().toString() + "=" + p.repair())
                .containsExactly("0 notified=false", "0 missed=true", "0 missed then notified=false");
    }

    @Test
    void shouldPutBackAFailedBatchAheadOfNewerKeys() {
        DirtyKeys keys = new DirtyKeys(10);
        keys.changed(key(0, "a"), T0);
        keys.changed(key(0, "b"), T0);
        List<DirtyKeys.Pending> failed = keys.drain(2);
        keys.changed(key(0, "c"), T0.plusSeconds(1));
        keys.changed(key(0, "b"), T0.plusSeconds(2));

        keys.putBack(failed);

        List<DirtyKeys.Pending> again = keys.drain(10);
        assertThat(again).extracting(p -> p.key().toString()).containsExactly("0 a", "0 b", "0 c");
        assertThat(again.get(1).changedAt()).isEqualTo(T0.plusSeconds(2));
    }
}
