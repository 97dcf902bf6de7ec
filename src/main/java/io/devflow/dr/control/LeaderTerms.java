package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The leadership record {@code leadership/term} in the control state: the current term's epoch, its leader and
 * where that leader's API answers. A newly elected instance records the next epoch with a compare-and-set on the
 * revision it read, so two candidates can never both take the same epoch; every later write of the control state
 * carries the epoch (see {@link RegionalStateStore}).
 */
public final class LeaderTerms {

    static final String PATH = "leadership/term";
    private static final int ATTEMPTS = 5;

    private final RegionalStateStore state;
    private final Clock clock;

    public LeaderTerms(RegionalStateStore state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /** The current term, if any leader ever recorded one. */
    public Optional<Leadership.Term> current() {
        return state.read(PATH).map(document -> decode(document.content()));
    }

    /**
     * Records a new term for this instance, one past the newest recorded.
     *
     * @throws NotLeaderException when other instances kept taking newer terms meanwhile
     */
    public Leadership.Term take(String instance, String apiUrl) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<StateDocument> record = state.read(PATH);
            long revision = record.map(StateDocument::revision).orElse(0L);
            long epoch = Math.addExact(record.map(d -> decode(d.content()).epoch()).orElse(0L), 1);
            Leadership.Term term = new Leadership.Term(epoch, instance, apiUrl, clock.instant());
            if (state.compareAndSet(PATH, revision, encode(term), new WriteAuthority.Stamp(epoch, instance, true))
                    .isPresent()) {
                return term;
            }
        }
        throw new NotLeaderException("instance " + instance + " could not record a leadership term: other instances "
                + "recorded newer ones " + ATTEMPTS + " times in a row");
    }

    private static JsonNode encode(Leadership.Term term) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("epoch", term.epoch());
        node.put("instance", term.instance());
        node.put("apiUrl", term.apiUrl());
        node.put("since", term.since().toString());
        return node;
    }

    private static Leadership.Term decode(JsonNode node) {
        return new Leadership.Term(node.path("epoch").asLong(), node.path("instance").asText(),
                node.path("apiUrl").asText(), Instant.parse(node.path("since").asText()));
    }
}
