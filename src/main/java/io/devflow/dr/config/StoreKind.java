package io.devflow.dr.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The data stores this tool protects. */
public enum StoreKind {
    MONGODB("mongodb", "docs"), REDIS("redis", "keys"), INFLUXDB("influxdb", "points");

    private final String id;
    private final String itemNoun;

    StoreKind(String id, String itemNoun) {
        this.id = id;
        this.itemNoun = itemNoun;
    }

    /** What one archived item of this store is, in the plural, as progress lines count them. */
    public String itemNoun() {
        return itemNoun;
    }

    /** The name used in configuration, CLI arguments, object keys and manifests. */
    public String id() {
        return id;
    }

    public static Optional<StoreKind> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.id.equals(text)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(StoreKind::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
