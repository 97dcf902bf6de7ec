package io.devflow.dr.archive;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FingerprintTest {

    private final Random random = new Random(42);

    @Test
    void shouldNotDependOnTheOrderOfItems() {
        List<byte[]> items = items(100);
        List<byte[]> shuffled = new ArrayList<>(items);
        Collections.shuffle(shuffled, random);
        List<byte[]> reversed = new ArrayList<>(items);
        Collections.reverse(reversed);

        Fingerprint original = fingerprint(items);

        assertThat(fingerprint(shuffled)).isEqualTo(original);
        assertThat(fingerprint(reversed)).isEqualTo(original);
        assertThat(original).isNotEqualTo(Fingerprint.empty());
    }

    @Test
    void shouldChangeWhenOneByteOfOneItemChanges() {
        List<byte[]> items = items(100);
        List<byte[]> changed = new ArrayList<>(items);
        byte[] item = changed.get(57).clone();
        item[item.length / 2] ^= 0x01;
        changed.set(57, item);

        assertThat(fingerprint(changed)).isNotEqualTo(fingerprint(items));
    }

    @Test
    void shouldChangeWhenAnItemIsDuplicatedOrRemoved() {
        List<byte[]> items = items(100);
        List<byte[]> duplicated = new ArrayList<>(items);
        duplicated.add(items.get(3));
        List<byte[]> removed = new ArrayList<>(items.subList(1, items.size()));

        assertThat(fingerprint(duplicated)).isNotEqualTo(fingerprint(items));
        assertThat(fingerprint(removed)).isNotEqualTo(fingerprint(items));
    }

    @Test
    void shouldBeTheEmptyFingerprintForNoItems() {
        Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();

        assertThat(accumulator.fingerprint()).isEqualTo(Fingerprint.empty());
        assertThat(accumulator.count()).isZero();
        assertThat(accumulator.bytes()).isZero();
        assertThat(Fingerprint.empty().hex()).isEqualTo("0".repeat(64));
    }

    @Test
    void shouldCountItemsAndBytes() {
        Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();
        accumulator.add(new byte[10]);
        accumulator.add(new byte[0]);
        accumulator.add(new byte[] {9, 9, 1, 2, 3}, 2, 3);

        assertThat(accumulator.count()).isEqualTo(3);
        assertThat(accumulator.bytes()).isEqualTo(13);
    }

    @Test
    void shouldFingerprintASliceLikeTheSameBytesOnTheirOwn() {
        Fingerprint.Accumulator slice = new Fingerprint.Accumulator();
        slice.add(new byte[] {9, 9, 1, 2, 3, 9}, 2, 3);
        Fingerprint.Accumulator whole = new Fingerprint.Accumulator();
        whole.add(new byte[] {1, 2, 3});

        assertThat(slice.fingerprint()).isEqualTo(whole.fingerprint());
    }

    @Test
    void shouldBeTheSha256OfASingleItem() {
        Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();
        accumulator.add("abc".getBytes(StandardCharsets.US_ASCII));

        assertThat(accumulator.fingerprint().hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldAlwaysBeSixtyFourHexDigits() {
        for (int n = 1; n <= 50; n++) {
            assertThat(fingerprint(items(n)).hex()).matches("[0-9a-f]{64}");
        }
        assertThatThrownBy(() -> new Fingerprint("abc")).isInstanceOf(IllegalArgumentException.class);
    }

    private List<byte[]> items(int count) {
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] item = new byte[1 + random.nextInt(200)];
            random.nextBytes(item);
            items.add(item);
        }
        return items;
    }

    private static Fingerprint fingerprint(List<byte[]> items) {
        Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();
        items.forEach(accumulator::add);
        return accumulator.fingerprint();
    }
}
