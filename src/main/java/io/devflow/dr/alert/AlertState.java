package io.devflow.dr.alert;

import io.devflow.dr.config.AlertRule;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A firing alert as the control state keeps it, so that a new leader neither raises it again nor forgets it.
 *
 * @param summary the title's line as last sent
 * @param value what was measured, as last sent
 * @param threshold what it was measured against, as last sent
 * @param since when it began firing
 * @param lastSent when the team was last told (raised or reminded)
 * @param sent how many times the team was told
 */
public record AlertState(String key, AlertRule rule, Map<String, String> labels, String summary, String value,
                         String threshold, Instant since, Instant lastSent, int sent) {

    public AlertState {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    static AlertState raised(Firing firing, Instant at) {
        return new AlertState(firing.key(), firing.rule(), firing.labels(), firing.summary(), firing.value(),
                firing.threshold(), at, at, 1);
    }

    /** Sent again with what holds now. */
    AlertState repeated(Firing firing, Instant at) {
        return new AlertState(key, rule, labels, firing.summary(), firing.value(), firing.threshold(), since, at, sent + 1);
    }
}
