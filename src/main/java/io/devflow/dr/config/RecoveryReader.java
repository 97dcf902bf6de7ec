package io.devflow.dr.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Reads {@code disasterRecovery.recovery}: the objectives, and how failovers are made ({@code failover}). */
final class RecoveryReader {

    private RecoveryReader() {
    }

    static RecoveryConfig read(Optional<JsonObjectReader> block, Path source, Set<RegionId> regions) {
        if (block.isEmpty()) {
            return RecoveryConfig.of(30, 5, false, source);
        }
        JsonObjectReader r = block.get();
        int rto = r.integer("rto", 30, 1, 100_000);
        int rpo = r.integer("rpo", 5, 1, 100_000);
        boolean auto = r.bool("autoFailover", false);
        FailoverConfig failover = r.object("failover", false).map(f -> failover(f, source, regions))
                .orElseGet(() -> FailoverConfig.defaultFor(source));
        RecoveryPlansConfig plans = r.object("plans", false).map(RecoveryReader::plans).orElse(RecoveryPlansConfig.DEFAULT);
        DrillConfig drills = r.object("drills", false).map(d -> drills(d, regions)).orElse(DrillConfig.DEFAULT);
        r.rejectUnknown();
        return new RecoveryConfig(rto, rpo, auto, failover, plans, drills);
    }

    private static RecoveryPlansConfig plans(JsonObjectReader p) {
        int heartbeat = p.integer("heartbeatSeconds", (int) RecoveryPlansConfig.DEFAULT.heartbeat().toSeconds(), 1, 300);
        List<RecoveryPlansConfig.Hook> hooks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonObjectReader h : p.array("hooks")) {
            String name = h.string("name", "");
            if (!name.matches("[a-z0-9][a-z0-9-]{0,39}")) {
                h.problem("name", "a hook needs a name of 1-40 of a-z 0-9 - (e.g. deploy-apps), unique in the list");
            } else if (!names.add(name)) {
                h.problem("name", "'" + name + "' names two hooks; name each one once");
            }
            List<String> command = h.strings("command");
            Optional<URI> url = h.uri("url");
            if (h.present("command") == h.present("url")) {
                h.problem("command", "a recovery hook is either a command (a list: program and arguments) or a url, "
                        + "not both and not neither");
            }
            Duration timeout = Duration.ofSeconds(h.integer("timeoutSeconds", 300, 1, 86_400));
            h.rejectUnknown();
            hooks.add(new RecoveryPlansConfig.Hook(name, command, url, timeout));
        }
        p.rejectUnknown();
        return new RecoveryPlansConfig(hooks, Duration.ofSeconds(heartbeat));
    }

    private static FailoverConfig failover(JsonObjectReader f, Path source, Set<RegionId> regions) {
        RoutingConfig routing = RoutingReader.read(f.object("routing", false), source, regions);
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

    private static DrillConfig drills(JsonObjectReader d, Set<RegionId> regions) {
        String mode = d.string("failover", DrillConfig.FailoverMode.ISOLATED.id());
        DrillConfig.FailoverMode failover = java.util.Arrays.stream(DrillConfig.FailoverMode.values())
                .filter(m -> m.id().equals(mode)).findFirst().orElse(null);
        if (failover == null) {
            d.problem("failover", "'" + mode + "' is not a failover drill: isolated (scratch data in the target, "
                    + "nothing in production changes) or planned (a real failover and a switchback)");
            failover = DrillConfig.FailoverMode.ISOLATED;
        }
        Optional<RegionId> target = d.optionalString("failoverTarget").flatMap(name -> {
            if (RegionId.isValid(name) && regions.contains(RegionId.of(name))) {
                return Optional.of(RegionId.of(name));
            }
            d.problem("failoverTarget", "'" + name + "' is not a configured region");
            return Optional.empty();
        });
        String fullTest = DrillConfig.FULL_TEST_SCHEDULE;
        String restoreDrill = DrillConfig.RESTORE_DRILL_SCHEDULE;
        Optional<JsonObjectReader> schedule = d.object("schedule", false);
        if (schedule.isPresent()) {
            fullTest = BackupReader.cron(schedule.get(), "fullTest", DrillConfig.FULL_TEST_SCHEDULE);
            restoreDrill = BackupReader.cron(schedule.get(), "restoreDrill", DrillConfig.RESTORE_DRILL_SCHEDULE);
            schedule.get().rejectUnknown();
        }
        OptionalInt scratch = d.has("redisScratchDatabase")
                ? OptionalInt.of(d.integer("redisScratchDatabase", 14, 0, 15)) : OptionalInt.empty();
        d.rejectUnknown();
        return new DrillConfig(failover, target, fullTest, restoreDrill, scratch);
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
