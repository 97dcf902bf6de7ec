package io.devflow.dr.store.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSizesTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldTakeAsManyValuesAsFitAndAlwaysAtLeastOne() {
        long[] sizes = {100, 200, 6 * MIB, 6 * MIB, 6 * MIB, 40 * MIB, 10};

        assertThat(RedisSizes.fitting(sizes, 0)).as("up to 16 MiB").isEqualTo(4);
        assertThat(RedisSizes.fitting(sizes, 4)).as("one large value").isEqualTo(1);
        assertThat(RedisSizes.fitting(sizes, 5)).as("one value over the budget is read alone").isEqualTo(1);
        assertThat(RedisSizes.fitting(sizes, 6)).isEqualTo(1);
        assertThat(RedisSizes.fitting(new long[] {1, 2, 3}, 0)).isEqualTo(3);
    }
}
