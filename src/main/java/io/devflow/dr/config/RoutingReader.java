package io.devflow.dr.config;

import java.nio.file.Path;
import java.util.Optional;

/** Reads {@code recovery.failover.routing}: the routing provider and its settings block, named after it. */
final class RoutingReader {

    private RoutingReader() {
    }

    static RoutingConfig read(Optional<JsonObjectReader> block, Path source) {
        if (block.isEmpty()) {
            return RoutingConfig.defaultFor(source);
        }
        JsonObjectReader r = block.get();
        RoutingConfig.Provider provider = r.optionalString("provider").map(name -> RoutingConfig.Provider.parse(name)
                .orElseGet(() -> {
                    r.problem("provider", "unknown provider '" + name + "'; providers are file, route53, kubernetes, webhook");
                    return RoutingConfig.Provider.FILE;
                })).orElse(RoutingConfig.Provider.FILE);
        Optional<RoutingConfig.FileRouting> file = r.object("file", false).map(f -> file(f, source));
        if (provider == RoutingConfig.Provider.FILE && file.isEmpty()) {
            file = RoutingConfig.defaultFor(source).file();
        }
        for (RoutingConfig.Provider other : RoutingConfig.Provider.values()) {
            if (other != provider && r.present(other.id())) {
                r.problem(other.id(), "belongs to provider " + other.id() + ", but provider is " + provider.id()
                        + "; remove the block or change the provider");
            }
        }
        if (provider != RoutingConfig.Provider.FILE) {
            r.problem("provider", "provider '" + provider.id() + "' is not available in this build; use file");
        }
        r.rejectUnknown();
        return new RoutingConfig(provider, file);
    }

    private static RoutingConfig.FileRouting file(JsonObjectReader f, Path source) {
        Path path = f.path("path").orElse(Path.of("active-region.json"));
        f.rejectUnknown();
        return new RoutingConfig.FileRouting(source.toAbsolutePath().getParent().resolve(path));
    }
}
