package io.devflow.dr.notify;

import java.time.Instant;
import java.util.Map;

/**
 * Something the team must hear of (a failover done or rolled back, an automatic failover refused), as every
 * notifier sends it: a Slack-compatible webhook body, a mail. Sent to {@code direct:notify}.
 *
 * @param event what happened, a stable name (e.g. {@code failover.completed}, {@code failover.rolled-back})
 * @param severity how urgent
 * @param title one line
 * @param text a few lines of detail
 * @param facts key facts shown as fields (region, reason, duration, loss bound), in order
 * @param at when it happened
 */
public record Notice(String event, Severity severity, String title, String text, Map<String, String> facts, Instant at) {

    public enum Severity { INFO, WARNING, CRITICAL }

    public Notice {
        facts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
    }
}
