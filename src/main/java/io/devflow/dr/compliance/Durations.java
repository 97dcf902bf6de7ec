package io.devflow.dr.compliance;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them: {@code 90d}, {@code 12h}, {@code 30m}. */
public final class Durations {

    private Durations() {
    }

    /** Parses {@code <n>d}, {@code <n>h} or {@code <n>m}, n at least 1. */
    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.matches("[1-9][0-9]{0,5}[dhm]")) {
            long n = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration; write it as 90d, 12h or 30m");
    }

    public static String text(Duration duration) {
        if (duration.toMinutes() % (24 * 60) == 0) {
            return duration.toDays() + "d";
        }
        return duration.toMinutes() % 60 == 0 ? duration.toHours() + "h" : duration.toMinutes() + "m";
    }
}
