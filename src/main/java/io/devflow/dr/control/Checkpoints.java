package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.Direction;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each worker stands, per direction and store, in the control state
 * ({@code replication/checkpoints/<source>--<target>/<store>}), so it survives the loss of either region.
 * Writes are spaced by the configured interval: what a crash loses is replayed, and replay is idempotent.
 */
public final class Checkpoints {

    private final StateStore state;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Instant> lastWrite = new ConcurrentHashMap<>();

    public Checkpoints(StateStore state, Duration interval, Clock clock) {
        this.state = state;
        this.interval = interval;
        this.clock = clock;
    }

    public Optional<JsonNode> load(Direction direction, String store) {
        return state.read(path(direction, store)).map(StateDocument::content);
    }

    /** Writes the checkpoint if the interval has passed since the last write, or if {@code force}. */
    public boolean save(Direction direction, String store, JsonNode checkpoint, boolean force) {
        String path = path(direction, store);
        Instant now = clock.instant();
        Instant last = lastWrite.get(path);
        if (!force && last != null && Duration.between(last, now).compareTo(interval) < 0) {
            return false;
        }
        state.write(path, checkpoint);
        lastWrite.put(path, now);
        return true;
    }

    private static String path(Direction direction, String store) {
        return "replication/checkpoints/" + direction.id() + "/" + store;
    }
}
