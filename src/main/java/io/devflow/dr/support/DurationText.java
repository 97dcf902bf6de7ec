package io.devflow.dr.support;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in the configuration and on the command line: a whole number and a unit,
 * {@code 30s}, {@code 5m}, {@code 4h}, {@code 2d}.
 */
public final class DurationText {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    private DurationText() {
    }

    /** The duration, or empty when the text is not one; an amount too large for a {@link Duration} is {@code beyond}. */
    public static Optional<Duration> parse(String text, Duration beyond) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.of(beyond);
        }
    }

    /** A duration as {@link #parse} reads it, in the largest unit that divides it. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
