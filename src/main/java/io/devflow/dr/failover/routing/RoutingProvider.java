package io.devflow.dr.failover.routing;

import io.devflow.dr.config.RegionId;

import java.util.Optional;

/**
 * Where clients are sent: DNS (Route 53 weighted or failover records), a Kubernetes Service, a webhook of the
 * platform's own, or a file a proxy reads. A failover drains the source (step 2), sends clients to the target
 * (step 4), and undoes either on rollback. Implementations are plain classes with their client behind a factory,
 * so tests hand in one pointed at a local endpoint.
 */
public interface RoutingProvider {

    /** {@code route53}, {@code kubernetes}, {@code webhook} or {@code file}. */
    String name();

    /** The region routing sends clients to now, as the provider tells; empty when it cannot tell. */
    Optional<RegionId> current();

    /** Sends no more new clients to the region; what it changed, so it can be undone. */
    RoutingChange drain(RegionId source);

    /** Sends clients to the region; what it changed. */
    RoutingChange routeTo(RegionId target);

    /** Puts back what a change altered (idempotent: undoing twice leaves the state of the first undo). */
    void undo(RoutingChange change);
}
