package io.devflow.dr.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Operator actions (replication started or stopped, conflicts resolved), one control-state document each
 * under {@code audit/}, named so that they sort by time.
 */
public final class AuditLog {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateStore state;
    private final Clock clock;

    public AuditLog(StateStore state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /** Records who did what; {@code details} may be null. */
    public void record(String action, String by, String subject, ObjectNode details) {
        Instant now = clock.instant();
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("at", now.toString());
        entry.put("action", action);
        entry.put("by", by);
        entry.put("subject", subject);
        if (details != null) {
            entry.set("details", details);
        }
        state.write("audit/" + STAMP.format(now) + "-" + action + "-" + Integer.toString(RANDOM.nextInt(1 << 20), 36), entry);
    }
}
