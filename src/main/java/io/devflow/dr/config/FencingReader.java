package io.devflow.dr.config;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code recovery.failover.fencing}: Redis's pause and the hooks that fence MongoDB and InfluxDB. */
final class FencingReader {

    private FencingReader() {
    }

    static FencingConfig read(Optional<JsonObjectReader> block) {
        if (block.isEmpty()) {
            return FencingConfig.DEFAULT;
        }
        JsonObjectReader f = block.get();
        Duration pause = FencingConfig.DEFAULT.redisPause();
        Optional<JsonObjectReader> redis = f.object("redis", false);
        if (redis.isPresent()) {
            pause = Duration.ofSeconds(redis.get().integer("pauseSeconds", (int) pause.toSeconds(), 2, 3_600));
            redis.get().rejectUnknown();
        }
        Map<StoreKind, FencingConfig.FenceHook> hooks = new EnumMap<>(StoreKind.class);
        for (StoreKind store : List.of(StoreKind.MONGODB, StoreKind.INFLUXDB)) {
            f.object(store.id(), false).flatMap(s -> {
                Optional<FencingConfig.FenceHook> hook = s.object("hook", true).map(FencingReader::hook);
                s.rejectUnknown();
                return hook;
            }).ifPresent(hook -> hooks.put(store, hook));
        }
        f.rejectUnknown();
        return new FencingConfig(pause, hooks);
    }

    private static FencingConfig.FenceHook hook(JsonObjectReader h) {
        List<String> command = h.strings("command");
        Optional<URI> url = h.uri("url");
        Duration timeout = Duration.ofSeconds(h.integer("timeoutSeconds", 10, 1, 600));
        if (h.present("command") == h.present("url")) {
            h.problem("command", "a fence hook is either a command (a list: program and arguments) or a url, "
                    + "not both and not neither");
        }
        h.rejectUnknown();
        return new FencingConfig.FenceHook(command, url, timeout);
    }
}
