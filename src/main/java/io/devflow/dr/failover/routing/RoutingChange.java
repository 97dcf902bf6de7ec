package io.devflow.dr.failover.routing;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * What a routing provider changed, kept in the failover record so that the change can be undone, by this process or
 * by the next leader after a crash: the provider's own description of the state before and after.
 *
 * @param action {@code drain} or {@code route}
 * @param before what the provider found (record sets, a selector, a file's content), enough to put it back
 * @param after what it set
 */
public record RoutingChange(String provider, String action, JsonNode before, JsonNode after, Instant at) {
}
