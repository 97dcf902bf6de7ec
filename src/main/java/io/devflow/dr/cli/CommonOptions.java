package io.devflow.dr.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options every command takes, before or after its name: {@code dr --config f backup} or {@code dr backup --config f}. */
public final class CommonOptions {

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Configuration file (default: $DR_CONFIG, else ./dr-config.json, else config/dr-config.json).")
    Path config;

    @Option(names = "--output", paramLabel = "FORMAT", scope = ScopeType.INHERIT, defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output = OutputFormat.text;

    Path configPath() {
        if (config != null) {
            return config;
        }
        String env = System.getenv("DR_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path local = Path.of("dr-config.json");
        return Files.exists(local) ? local : Path.of("config", "dr-config.json");
    }

    boolean json() {
        return output == OutputFormat.json;
    }
}
