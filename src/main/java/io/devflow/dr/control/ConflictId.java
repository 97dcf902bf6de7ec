package io.devflow.dr.control;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/** Conflict ids in the shape of backup ids, sorting by detection time: {@code conflict-20260127-103001-k3m9qz}. */
public final class ConflictId {

    public static final String EXAMPLE = "conflict-20260127-103001-k3m9qz";
    private static final Pattern SHAPE = Pattern.compile("conflict-\\d{8}-\\d{6}-[a-z0-9]{6}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STRICT_STAMP = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConflictId() {
    }

    public static String generate(Instant at) {
        StringBuilder id = new StringBuilder("conflict-").append(STAMP.format(at)).append('-');
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    public static boolean isValid(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    /** When the conflict was detected, to the second, as its id says; empty for a name that is no conflict id. */
    public static Optional<Instant> detectedAt(String id) {
        if (!isValid(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(id.substring("conflict-".length(), "conflict-".length() + 15),
                    STRICT_STAMP).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
