package io.devflow.dr.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an API token may do; each role may do what the roles before it may. {@code viewer} reads,
 * {@code operator} runs backups, verification and replication and resolves conflicts, {@code admin} also deletes
 * (retention), restores and fails over.
 */
public enum ApiRole {
    VIEWER, OPERATOR, ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean allows(ApiRole required) {
        return compareTo(required) >= 0;
    }

    public static Optional<ApiRole> parse(String text) {
        return Arrays.stream(values()).filter(r -> r.id().equals(text)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(ApiRole::id).toList());
    }
}
