package io.devflow.dr.compliance;

import java.time.Duration;
import java.time.Instant;

/** A stretch of the period longer than the policy's interval without the evidence the check expects. */
public record Gap(Instant from, Instant to, long hours) {

    static Gap of(Instant from, Instant to) {
        return new Gap(from, to, Duration.between(from, to).toHours());
    }
}
