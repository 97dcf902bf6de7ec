package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.support.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What restores and recovery steps measured, the basis of the next plan's estimates: one control-state document per
 * store, {@code recovery/throughput/<store>}, and per hook, {@code recovery/throughput/hook-<name>}, each holding the
 * newest {@value #KEPT} samples.
 */
public final class ThroughputHistory {

    static final String FOLDER = "recovery/throughput";
    static final int KEPT = 20;

    private final StateStore state;

    public ThroughputHistory(StateStore state) {
        this.state = state;
    }

    /**
     * One measured run.
     *
     * @param step the kind of step ({@link StepType#id()}); {@code dr restore} records as restore-store
     * @param bytes stored bytes read
     * @param source what ran: a plan's step, or a restore
     */
    public record Sample(Instant at, String step, long bytes, long items, long millis, String source) {
    }

    /** Adds a sample for a store ({@code mongodb}) or a hook ({@code hook-<name>}). */
    public void record(String key, Sample sample) {
        state.update(FOLDER + "/" + key, current -> {
            ArrayNode kept = Json.MAPPER.createArrayNode();
            current.map(StateDocument::content).map(c -> c.path("samples")).filter(JsonNode::isArray)
                    .ifPresent(old -> old.forEach(kept::add));
            kept.add(Json.MAPPER.valueToTree(sample));
            while (kept.size() > KEPT) {
                kept.remove(0);
            }
            ObjectNode content = Json.MAPPER.createObjectNode();
            content.set("samples", kept);
            return content;
        });
    }

    /** The samples of one kind of step, oldest first. */
    public List<Sample> samples(String key, String step) {
        List<Sample> samples = new ArrayList<>();
        state.read(FOLDER + "/" + key).map(StateDocument::content).map(c -> c.path("samples")).ifPresent(all -> {
            for (JsonNode node : all) {
                try {
                    Sample sample = Json.MAPPER.treeToValue(node, Sample.class);
                    if (sample.step().equals(step)) {
                        samples.add(sample);
                    }
                } catch (JsonProcessingException e) {
                    // a sample this version cannot read says nothing about the next run
                }
            }
        });
        return samples;
    }
}
