package io.devflow.dr.config;

import java.time.Duration;

/** Redelivery of a whole backup attempt after a transient storage or database fault. */
public record RetryConfig(int maxRedeliveries, Duration initialDelay, Duration maxDelay) {
}
