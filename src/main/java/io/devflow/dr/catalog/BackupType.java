package io.devflow.dr.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

public enum BackupType {
    FULL, INCREMENTAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<BackupType> parse(String text) {
        return Arrays.stream(values()).filter(t -> t.id().equals(text)).findFirst();
    }

    @Override
    public String toString() {
        return id();
    }
}
