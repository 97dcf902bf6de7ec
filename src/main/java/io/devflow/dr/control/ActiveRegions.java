package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.support.Json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Which region is active, kept in the control state ({@code regions/active}) so that every instance and every
 * command agrees, and so that it survives the loss of either region. A failover's promote step changes it with a
 * compare-and-set (a new term), and its compensation puts the previous one back. Reads are cached for a moment:
 * replication asks before every round.
 */
public final class ActiveRegions {

    static final String PATH = "regions/active";
    private static final Duration FRESH_FOR = Duration.ofSeconds(2);

    private final DrConfig config;
    private final StateStore state;
    private final Clock clock;
    private volatile ActiveRegion cached;
    private volatile long cachedAtNanos;

    public ActiveRegions(DrConfig config, StateStore state, Clock clock) {
        this.config = config;
        this.state = state;
        this.clock = clock;
    }

    /** The active region; the configured primary until a failover recorded another. */
    public ActiveRegion current() {
        ActiveRegion known = cached;
        if (known != null && System.nanoTime() - cachedAtNanos < FRESH_FOR.toNanos()) {
            return known;
        }
        ActiveRegion read = state.read(PATH).map(StateDocument::content).map(this::decode)
                .orElseGet(() -> ActiveRegion.configured(config.primaryRegion().id()));
        remember(read);
        return read;
    }

    /** The active region as recorded now, bypassing the cache (a failover plans from it). */
    public ActiveRegion fresh() {
        cachedAtNanos = 0;
        return current();
    }

    /**
     * Makes {@code target} the active region in the next term, if the active region is still {@code expected}
     * (two failovers cannot both promote).
     *
     * @throws IllegalStateException when another change got there first
     */
    public ActiveRegion promote(ActiveRegion expected, RegionId target, String failoverId, String by) {
        ActiveRegion next = new ActiveRegion(target, expected.term() + 1, clock.instant(), failoverId, by);
        state.update(PATH, current -> {
            ActiveRegion now = current.map(StateDocument::content).map(this::decode)
                    .orElseGet(() -> ActiveRegion.configured(config.primaryRegion().id()));
            if (!now.equals(expected)) {
                throw new IllegalStateException("the active region changed while failover " + failoverId + " ran: "
                        + now.region() + " (term " + now.term() + ") is active, not " + expected.region()
                        + " (term " + expected.term() + ")");
            }
            return encode(next);
        });
        remember(next);
        return next;
    }

    /** Puts back the region a failover found active (its compensation), if the failover's own term still stands. */
    public ActiveRegion restore(ActiveRegion promoted, ActiveRegion previous) {
        state.update(PATH, current -> {
            Optional<ActiveRegion> now = current.map(StateDocument::content).map(this::decode);
            if (now.isPresent() && !now.get().equals(promoted) && !now.get().equals(previous)) {
                throw new IllegalStateException("the active region changed after failover " + promoted.failoverId()
                        + ": " + now.get().region() + " (term " + now.get().term() + ") is active; not rolled back");
            }
            return encode(previous);
        });
        remember(previous);
        return previous;
    }

    private void remember(ActiveRegion region) {
        cached = region;
        cachedAtNanos = System.nanoTime();
    }

    private static JsonNode encode(ActiveRegion region) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("region", region.region().value()).put("term", region.term());
        if (region.since() != null) {
            node.put("since", region.since().toString());
        }
        if (region.failoverId() != null) {
            node.put("failoverId", region.failoverId()).put("by", region.by());
        }
        return node;
    }

    private ActiveRegion decode(JsonNode content) {
        String name = content.path("region").asText("");
        if (!RegionId.isValid(name) || config.region(RegionId.of(name)).isEmpty()) {
            throw new IllegalStateException("the active region recorded in the control state (" + PATH + ") is '" + name
                    + "', which is not a configured region; run 'dr failover <region>' to choose one");
        }
        try {
            return new ActiveRegion(RegionId.of(name), content.path("term").asLong(),
                    content.hasNonNull("since") ? Instant.parse(content.get("since").asText()) : null,
                    content.path("failoverId").asText(null), content.path("by").asText(null));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("the active region recorded in the control state (" + PATH
                    + ") has an unreadable time: " + e.getMessage(), e);
        }
    }
}
