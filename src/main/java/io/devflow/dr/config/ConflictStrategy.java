package io.devflow.dr.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The seed's conflict strategies. */
public enum ConflictStrategy {
    /** The later change wins: the source change's time against the target's last change of the record. */
    LAST_WRITE_WINS("last-write-wins"),
    /** A configured field of the record (such as {@code updatedAt}) decides; the larger value wins. */
    TIMESTAMP_BASED("timestamp-based"),
    /** Nothing is overwritten: the conflict waits for an operator. */
    MANUAL("manual");

    private final String id;

    ConflictStrategy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<ConflictStrategy> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.id.equals(text)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(ConflictStrategy::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
