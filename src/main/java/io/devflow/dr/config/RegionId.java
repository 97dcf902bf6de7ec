package io.devflow.dr.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.regex.Pattern;

/** A region name such as {@code us-east-1}: the key of a region in the configuration; in JSON, the name as text. */
public record RegionId(@JsonValue String value) implements Comparable<RegionId> {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public RegionId {
        Objects.requireNonNull(value, "region");
        if (!SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a region name (lower-case letters, digits and '-', e.g. us-east-1)");
        }
    }

    @JsonCreator
    public static RegionId of(String value) {
        return new RegionId(value);
    }

    public static boolean isValid(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    @Override
    public int compareTo(RegionId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
