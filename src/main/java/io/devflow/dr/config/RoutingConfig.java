package io.devflow.dr.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code recovery.failover.routing}: the provider that sends clients to the active region, and its settings.
 *
 * @param provider which one ({@code file} unless configured)
 * @param file the file provider's settings: where it writes the active region for a proxy to read
 */
public record RoutingConfig(Provider provider, Optional<FileRouting> file) {

    /** The routing providers. */
    public enum Provider {
        FILE("file"), ROUTE53("route53"), KUBERNETES("kubernetes"), WEBHOOK("webhook");

        private final String id;

        Provider(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Optional<Provider> parse(String name) {
            for (Provider p : values()) {
                if (p.id.equals(name)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /** The file provider: a JSON document naming the active region, written atomically. */
    public record FileRouting(Path path) {
    }

    public static RoutingConfig defaultFor(Path configFile) {
        return new RoutingConfig(Provider.FILE,
                Optional.of(new FileRouting(configFile.toAbsolutePath().getParent().resolve("active-region.json"))));
    }
}
