package io.devflow.dr.config;

import java.util.Arrays;
import java.util.Optional;

public enum KeyProviderKind {
    LOCAL("local"), AWS_KMS("aws-kms");

    private final String configName;

    KeyProviderKind(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<KeyProviderKind> parse(String text) {
        return Arrays.stream(values()).filter(k -> k.configName.equals(text)).findFirst();
    }
}
