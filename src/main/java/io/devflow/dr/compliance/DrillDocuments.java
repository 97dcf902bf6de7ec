package io.devflow.dr.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drill results as the DR tests store them: one control-state document {@code drills/<id>} each, in the shape
 * {@code {"id","type","trigger","by","startedAt","endedAt","passed","stores":{"<store>":{"passed","seconds",
 * "detail"}},"failure"}}. A document that does not have that shape is skipped, and said so in the log.
 */
public final class DrillDocuments implements DrillEvidence {

    private static final Logger LOG = LoggerFactory.getLogger(DrillDocuments.class);
    private static final String FOLDER = "drills";

    private final StateStore state;

    public DrillDocuments(StateStore state) {
        this.state = state;
    }

    @Override
    public List<DrillRun> since(Instant since) {
        List<DrillRun> drills = new ArrayList<>();
        for (String path : state.list(FOLDER)) {
            state.read(path).map(StateDocument::content).flatMap(content -> decode(path, content))
                    // a drill still running (its result is written when it begins) is no evidence yet
                    .filter(d -> d.endedAt() != null && !d.startedAt().isBefore(since)).ifPresent(drills::add);
        }
        drills.sort(Comparator.comparing(DrillRun::startedAt));
        return drills;
    }

    static Optional<DrillRun> decode(String path, JsonNode d) {
        try {
            Map<String, DrillRun.StoreResult> stores = new LinkedHashMap<>();
            d.path("stores").properties().forEach(e -> stores.put(e.getKey(), new DrillRun.StoreResult(
                    e.getValue().path("passed").asBoolean(false), e.getValue().path("seconds").asDouble(0),
                    e.getValue().path("detail").asText(null))));
            if (!d.path("passed").isBoolean()) {
                throw new IllegalArgumentException("no passed flag");
            }
            return Optional.of(new DrillRun(d.path("id").asText(path.substring(path.lastIndexOf('/') + 1)),
                    d.path("type").asText(), d.path("trigger").asText(null), d.path("by").asText(null),
                    Instant.parse(d.path("startedAt").asText()),
                    d.hasNonNull("endedAt") ? Instant.parse(d.path("endedAt").asText()) : null,
                    d.path("passed").asBoolean(), stores, d.hasNonNull("failure") ? d.path("failure").asText() : null));
        } catch (RuntimeException e) {
            LOG.warn("drill document {} is not a drill result and is not used as evidence: {}", path, e.getMessage());
            return Optional.empty();
        }
    }
}
