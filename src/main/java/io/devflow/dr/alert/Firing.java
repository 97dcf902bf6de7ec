package io.devflow.dr.alert;

import io.devflow.dr.config.AlertRule;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An alert's condition as one evaluation found it holding.
 *
 * @param labels what it is about, in order ({@code store}, {@code region}; {@code drill} for a drill): with the rule,
 *               the alert's identity
 * @param summary one line, as the title says it
 * @param value what was measured, in words
 * @param threshold what it was measured against, in words
 */
public record Firing(AlertRule rule, Map<String, String> labels, String summary, String value, String threshold) {

    public Firing {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** The alert's stable key: the rule and its labels, e.g. {@code DrBackupFailed/mongodb/us-east-1}. */
    public String key() {
        return key(rule, labels);
    }

    static String key(AlertRule rule, Map<String, String> labels) {
        return labels.isEmpty() ? rule.id() : rule.id() + "/" + String.join("/", labels.values());
    }
}
