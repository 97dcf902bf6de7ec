package io.devflow.dr.drill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.NewestFirst;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Drill results in the control state, {@code drills/<id>} (ids sort by time), and the recovery times they measured
 * per store, {@code drill-measures/recovery}: the one document status and metrics read instead of the history.
 */
public final class DrillRecords {

    static final String FOLDER = "drills";
    static final String MEASURES = "drill-measures/recovery";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID = "drill-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}";

    private final StateStore state;

    public DrillRecords(StateStore state) {
        this.state = state;
    }

    /** A new id: {@code drill-<yyyyMMdd-HHmmss>-<6 hex>}; the hex part names the drill's scratch databases. */
    public static String newId(Instant at) {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return "drill-" + STAMP.format(at) + "-" + HexFormat.of().formatHex(random);
    }

    public static boolean isId(String text) {
        return text != null && text.matches(ID);
    }

    /** The part of an id that scratch names carry: its random hex. */
    public static String scratchTag(String id) {
        return id.substring(id.length() - 6);
    }

    public void save(DrillResult result) {
        state.write(FOLDER + "/" + result.id(), Json.MAPPER.valueToTree(result));
    }

    public Optional<DrillResult> get(String id) {
        if (!isId(id)) {
            return Optional.empty();
        }
        return state.read(FOLDER + "/" + id).map(StateDocument::content).map(DrillRecords::decode);
    }

    /** The newest results first, at most {@code limit}, of one type or all. */
    public List<DrillResult> newest(int limit, Optional<DrillType> type) {
        Predicate<DrillResult> wanted = r -> type.map(t -> t == r.type()).orElse(true);
        return NewestFirst.read(state.list(FOLDER), NewestFirst::stampedSecond,
                path -> state.read(path).map(StateDocument::content).map(DrillRecords::decode), wanted,
                DrillResult::startedAt, limit);
    }

    /** A recovery time measured for a store (a restore into scratch, a recovery plan into scratch). */
    public record Measure(double seconds, boolean passed, String drillId, DrillType type, Instant at) {
    }

    /** The last measured recovery time per store. */
    public Map<String, Measure> measures() {
        Map<String, Measure> measures = new LinkedHashMap<>();
        state.read(MEASURES).map(StateDocument::content).ifPresent(doc -> doc.fields().forEachRemaining(e -> {
            try {
                measures.put(e.getKey(), Json.MAPPER.treeToValue(e.getValue(), Measure.class));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("the measured recovery times in the control state are unreadable: "
                        + ex.getOriginalMessage(), ex);
            }
        }));
        return measures;
    }

    /** Records the stores' recovery times a drill measured, keeping the others'. */
    public void measured(Map<String, Measure> latest) {
        if (latest.isEmpty()) {
            return;
        }
        state.update(MEASURES, current -> {
            ObjectNode doc = current.map(StateDocument::content).filter(JsonNode::isObject)
                    .map(c -> ((ObjectNode) c).deepCopy()).orElseGet(Json.MAPPER::createObjectNode);
            latest.forEach((store, measure) -> doc.set(store, Json.MAPPER.valueToTree(measure)));
            return doc;
        });
    }

    static DrillResult decode(JsonNode content) {
        try {
            return Json.MAPPER.treeToValue(content, DrillResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a drill result in the control state is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
