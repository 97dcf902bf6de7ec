package io.devflow.dr.compliance;

import io.devflow.dr.support.DurationText;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them: {@code 90d}, {@code 12h}, {@code 30m}. */
public final class Durations {

    private Durations() {
    }

    /** Parses {@code <n>d}, {@code <n>h} or {@code <n>m}, n at least 1: periods of evidence, not seconds. */
    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.matches("[1-9][0-9]{0,5}[dhm]")) {
            return DurationText.parse(value, Duration.ZERO).orElseThrow();
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration; write it as 90d, 12h or 30m");
    }

    public static String text(Duration duration) {
        return DurationText.format(duration);
    }
}
