package io.devflow.dr.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each replication worker stands, per direction and store, in the control state
 * ({@code replication/checkpoints/<source>--<target>/<store>}), so it survives the loss of either region. Each
 * store has its own checkpoint record. Writes are spaced by the configured interval: what a crash loses is
 * replayed, and replay is idempotent.
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

    /** The direction's saved checkpoint of the store; empty when it has none (replication starts with an initial sync). */
    public <T> Optional<T> load(Direction direction, StoreKind store, Class<T> type) {
        String path = path(direction, store);
        Optional<JsonNode> saved = state.read(path).map(StateDocument::content).filter(JsonNode::isObject);
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.treeToValue(saved.get(), type));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("the " + store + " replication checkpoint of " + direction + " ("
                    + path + " in the control state) cannot be read: " + e.getMessage()
                    + "; deleting it makes replication of " + store + " start again with an initial sync", e);
        }
    }

    /** Writes the checkpoint if the interval has passed since the last write, or if {@code force}. */
    public boolean save(Direction direction, StoreKind store, Object checkpoint, boolean force) {
        String path = path(direction, store);
        Instant now = clock.instant();
        Instant last = lastWrite.get(path);
        if (!force && last != null && Duration.between(last, now).compareTo(interval) < 0) {
            return false;
        }
        state.write(path, Json.MAPPER.valueToTree(checkpoint));
        lastWrite.put(path, now);
        return true;
    }

    static String path(Direction direction, StoreKind store) {
        return "replication/checkpoints/" + direction.id() + "/" + store.id();
    }
}
