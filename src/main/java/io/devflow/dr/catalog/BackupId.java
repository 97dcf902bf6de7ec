package io.devflow.dr.catalog;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup's identity, in the seed's shape with the time of day added so ids sort by start time:
 * {@code backup-full-20260125-020000-x7k2p9} (type, UTC date and time, random suffix).
 */
public record BackupId(String value) implements Comparable<BackupId> {

    private static final Pattern SHAPE = Pattern.compile("backup-(full|incremental)-(\\d{8})-(\\d{6})-([a-z0-9]{6})");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STRICT_STAMP = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static final String EXAMPLE = "backup-full-20260125-020000-x7k2p9";

    public BackupId {
        Matcher m = value == null ? null : SHAPE.matcher(value);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a backup id (for example " + EXAMPLE + ")");
        }
        try {
            LocalDateTime.parse(m.group(2) + "-" + m.group(3), STRICT_STAMP);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a backup id: it names no real date and time");
        }
    }

    public static BackupId generate(BackupType type, Instant start) {
        StringBuilder suffix = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new BackupId("backup-" + type.id() + "-" + STAMP.format(start) + "-" + suffix);
    }

    public static Optional<BackupId> parse(String text) {
        if (text == null || !SHAPE.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BackupId(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public BackupType type() {
        return BackupType.parse(matcher().group(1)).orElseThrow();
    }

    /** The UTC day the backup started, which places it in the object layout. */
    public LocalDate day() {
        return startedAt().atZone(ZoneOffset.UTC).toLocalDate();
    }

    public Instant startedAt() {
        Matcher m = matcher();
        return LocalDateTime.parse(m.group(2) + "-" + m.group(3), STRICT_STAMP).toInstant(ZoneOffset.UTC);
    }

    private Matcher matcher() {
        Matcher m = SHAPE.matcher(value);
        if (!m.matches()) {
            throw new IllegalStateException(value);
        }
        return m;
    }

    @Override
    public int compareTo(BackupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
