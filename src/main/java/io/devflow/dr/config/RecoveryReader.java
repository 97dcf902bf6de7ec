package io.devflow.dr.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@code disasterRecovery.recovery}: the objectives, and how failovers are made ({@code failover}). */
final class RecoveryReader {

    private RecoveryReader() {
    }

    static RecoveryConfig read(Optional<JsonObjectReader> block, Path source) {
        if (block.isEmpty()) {
            return RecoveryConfig.of(30, 5, false, source);
        }
        JsonObjectReader r = block.get();
        int rto = r.integer("rto", 30, 1, 100_000);
        int rpo = r.integer("rpo", 5, 1, 100_000);
        boolean auto = r.bool("autoFailover", false);
        FailoverConfig failover = r.object("failover", false).map(f -> failover(f, source))
                .orElseGet(() -> FailoverConfig.defaultFor(source));
        r.rejectUnknown();
        return new RecoveryConfig(rto, rpo, auto, failover);
    }

    private static FailoverConfig failover(JsonObjectReader f, Path source) {
        RoutingConfig routing = RoutingReader.read(f.object("routing", false), source);
        FencingConfig fencing = FencingReader.read(f.object("fencing", false));
        List<URI> smokeUrls = urls(f, "smokeUrls");
        Duration drain = Duration.ofSeconds(f.integer("drainTimeoutSeconds", 30, 1, 3_600));
        AutoFailoverConfig automatic = f.object("automatic", false).map(RecoveryReader::automatic)
                .orElse(AutoFailoverConfig.DEFAULT);
        f.rejectUnknown();
        return new FailoverConfig(routing, fencing, smokeUrls, drain, automatic);
    }

    private static AutoFailoverConfig automatic(JsonObjectReader a) {
        AutoFailoverConfig d = AutoFailoverConfig.DEFAULT;
        int failedChecks = a.integer("failedChecks", d.failedChecks(), 2, 1_000);
        Duration interval = Duration.ofSeconds(a.integer("checkIntervalSeconds", (int) d.checkInterval().toSeconds(), 1, 3_600));
        Duration cooldown = Duration.ofMinutes(a.integer("cooldownMinutes", (int) d.cooldown().toMinutes(), 0, 100_000));
        List<URI> healthUrls = urls(a, "healthUrls");
        a.rejectUnknown();
        return new AutoFailoverConfig(failedChecks, interval, cooldown, healthUrls);
    }

    /** A list of http(s) URLs, each checked like a single one (its problem named with its index). */
    static List<URI> urls(JsonObjectReader r, String key) {
        List<URI> result = new ArrayList<>();
        List<String> texts = r.strings(key);
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            try {
                URI uri = new URI(text);
                if (uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        && uri.getHost() != null) {
                    result.add(uri);
                    continue;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below, as for a URL without a scheme or host
            }
            r.problem(key + "[" + i + "]", "'" + text + "' is not an http(s) URL");
        }
        return result;
    }
}
