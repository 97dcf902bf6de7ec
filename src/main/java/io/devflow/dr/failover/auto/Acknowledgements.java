package io.devflow.dr.failover.auto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.FailoverService;
import io.devflow.dr.support.Json;

import java.time.Clock;
import java.util.Optional;

/**
 * An operator's acknowledgement of the last automatic failover, kept in the control state: it lifts the cooldown
 * that keeps the controller from failing over again by itself (decision 42). A later automatic failover needs its
 * own acknowledgement.
 */
public final class Acknowledgements {

    static final String PATH = "failover-acknowledged";

    private final StateStore state;
    private final FailoverService failovers;
    private final AuditLog audit;
    private final Clock clock;

    public Acknowledgements(StateStore state, FailoverService failovers, AuditLog audit, Clock clock) {
        this.state = state;
        this.failovers = failovers;
        this.audit = audit;
        this.clock = clock;
    }

    /** The newest automatic failover that ran (refused ones never started a cooldown). */
    public Optional<FailoverRecord> lastAutomatic() {
        return failovers.list(50).stream()
                .filter(r -> r.request().trigger() == FailoverRequest.Trigger.AUTOMATIC)
                .filter(r -> r.state() != FailoverRecord.State.REFUSED)
                .findFirst();
    }

    /**
     * Acknowledges the last automatic failover.
     *
     * @return the failover acknowledged
     * @throws IllegalStateException when there is none
     */
    public FailoverRecord acknowledge(String by) {
        FailoverRecord record = lastAutomatic().orElseThrow(() -> new IllegalStateException(
                "there is no automatic failover to acknowledge; 'dr failovers list' shows the recorded ones"));
        ObjectNode doc = Json.MAPPER.createObjectNode().put("failoverId", record.id()).put("by", by)
                .put("at", clock.instant().toString());
        state.write(PATH, doc);
        audit.record("failover.acknowledge", by, record.id(), doc);
        return record;
    }

    public boolean acknowledged(FailoverRecord record) {
        return state.read(PATH)
                .map(doc -> doc.content().path("failoverId").asText("").equals(record.id()))
                .orElse(false);
    }
}
