package io.devflow.dr.config;

/** Recovery objectives in minutes, as in the seed's {@code recovery} block. */
public record RecoveryConfig(int rtoMinutes, int rpoMinutes, boolean autoFailover) {
}
