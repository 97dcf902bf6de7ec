package io.devflow.dr.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How deeply a backup is checked. */
public enum VerifyLevel {
    /** Size and SHA-256 of the stored object against the manifest. */
    QUICK,
    /** Quick, then decrypt, decompress, count and fingerprint every record against the manifest. */
    FULL,
    /** Full, then restore into a scratch database and compare its fingerprints. */
    RESTORE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<VerifyLevel> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.configName().equals(text)).findFirst();
    }
}
