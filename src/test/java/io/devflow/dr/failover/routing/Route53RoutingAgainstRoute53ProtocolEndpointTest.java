package io.devflow.dr.failover.routing;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.RoutingConfig;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.testing.Route53ProtocolEndpoint;
import io.devflow.dr.testing.Route53ProtocolEndpoint.RecordSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Route53Routing} with the real AWS SDK Route53Client over HTTP, against {@link Route53ProtocolEndpoint}: a
 * test double of the Route 53 wire protocol that keeps real record sets and validates change batches as Route 53
 * does (no Route 53 is available here). It proves the record sets each change leaves, their exact restoration and
 * how Route 53's refusals surface; it cannot prove AWS's propagation times or IAM policies.
 */
class Route53RoutingAgainstRoute53ProtocolEndpointTest {

    private static final RegionId EAST = RegionId.of("us-east-1");
    private static final RegionId WEST = RegionId.of("us-west-2");
    private static final String NAME = "db.example.com.";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);

    Route53ProtocolEndpoint route53;
    String zone;

    @BeforeEach
    void start() {
        route53 = Route53ProtocolEndpoint.start();
        zone = route53.createHostedZone("example.com");
        route53.put(zone, new RecordSet("api.example.com.", "CNAME", null, null, null, 300L, null, List.of("api-lb.example.com")));
        route53.put(zone, new RecordSet(NAME, "A", null, null, null, 300L, null, List.of("10.0.0.1")));
        route53.put(zone, new RecordSet("zz.db.example.com.", "CNAME", null, null, null, 300L, null, List.of("other.example.com")));
    }

    @AfterEach
    void stop() {
        route53.close();
    }

    @Test
    void shouldRouteToTheTargetWithWeightsAndReadItBackAcrossPages() {
        route53.put(zone, weighted(EAST, 100, "lb-east.example.com"));
        route53.put(zone, weighted(WEST, 0, "lb-west.example.com"));
        route53.pageSize(1);
        try (Route53Routing routing = routing(RoutingConfig.Route53Mode.WEIGHTED, Duration.ofSeconds(10))) {
            assertThat(routing.current()).contains(EAST);

            RoutingChange change = routing.routeTo(WEST);

            assertThat(sets()).containsExactly(weighted(EAST, 0, "lb-east.example.com"), weighted(WEST, 100, "lb-west.example.com"));
            assertThat(routing.current()).contains(WEST);
            assertThat(change.action()).isEqualTo("route");
            assertThat(change.before().path("recordSets")).hasSize(2);
            assertThat(change.before().at("/recordSets/0/weight").asLong()).isEqualTo(100);
            assertThat(change.after().at("/recordSets/1/weight").asLong()).isEqualTo(100);
        }
        assertThat(route53.operations()).contains("GetChange");
    }

    @Test
    void shouldDrainTheSourceToWeightZeroAndLeaveTheOthers() {
        route53.put(zone, weighted(EAST, 100, "lb-east.example.com"));
        route53.put(zone, weighted(WEST, 10, "lb-west.example.com"));
        try (Route53Routing routing = routing(RoutingConfig.Route53Mode.WEIGHTED, Duration.ofSeconds(10))) {
            routing.drain(EAST);

            assertThat(sets()).containsExactly(weighted(EAST, 0, "lb-east.example.com"), weighted(WEST, 10, "lb-west.example.com"));
            assertThat(routing.current()).contains(WEST);
        }
    }

    @Test
    void shouldUndoToTheExactRecordSetsFoundBeforeDeletingTheOnesItCreated() {
        RecordSet east = new RecordSet(NAME, "CNAME", "us-east-1", 100L, null, 300L, "hc-east-1", List.of("old-lb-east.example.com"));
        route53.put(zone, east);
        try (Route53Routing routing = routing(RoutingConfig.Route53Mode.WEIGHTED, Duration.ofSeconds(10))) {
            RoutingChange drain = routing.drain(EAST);
            RoutingChange route = routing.routeTo(WEST);
            assertThat(sets()).extracting(RecordSet::setIdentifier, RecordSet::weight, RecordSet::healthCheckId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("us-east-1", 0L, "hc-east-1"),
                            org.assertj.core.groups.Tuple.tuple("us-west-2", 100L, null));

            routing.undo(route);
            routing.undo(route);
            assertThat(sets()).containsExactly(new RecordSet(NAME, "CNAME", "us-east-1", 0L, null, 60L, "hc-east-1",
                    List.of("lb-east.example.com")));
            routing.undo(drain);
            routing.undo(drain);
            assertThat(sets()).containsExactly(east);
        }
    }

    @Test
    void shouldSwapPrimaryInFailoverModeAndLeaveTheRecordsAloneOnDrain() {
        RecordSet primary = failover(EAST, "PRIMARY", "lb-east.example.com");
        RecordSet secondary = failover(WEST, "SECONDARY", "lb-west.example.com");
        route53.put(zone, primary);
        route53.put(zone, secondary);
        try (Route53Routing routing = routing(RoutingConfig.Route53Mode.FAILOVER, Duration.ofSeconds(10))) {
            RoutingChange drain = routing.drain(EAST);
            assertThat(sets()).containsExactly(primary, secondary);
            assertThat(drain.after().path("note").asText()).contains("nothing to drain");
            assertThat(route53.operations()).doesNotContain("ChangeResourceRecordSets");

            RoutingChange route = routing.routeTo(WEST);
            assertThat(sets()).containsExactly(failover(EAST, "SECONDARY", "lb-east.example.com"),
                    failover(WEST, "PRIMARY", "lb-west.example.com"));
            assertThat(routing.current()).contains(WEST);

            routing.undo(route);
            routing.undo(drain);
            assertThat(sets()).containsExactly(primary, secondary);
            assertThat(routing.current()).contains(EAST);
        }
    }

    @Test
    void shouldRevertAChangeThatStaysPendingAndSaySo() {
        route53.put(zone, weighted(EAST, 100, "lb-east.example.com"));
        route53.put(zone, weighted(WEST, 0, "lb-west.example.com"));
        route53.holdChangesPending(true);
        try (Route53Routing routing = routing(RoutingConfig.Route53Mode.WEIGHTED, Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> routing.routeTo(WEST))
                    .isInstanceOf(RemoteOperationException.class)
                    .hasMessageContaining("route53 routing")
                    .hasMessageContaining("still PENDING after 1 s")
                    .hasMessageContaining("routing.route53.syncTimeoutSeconds")
                    .hasMessageContaining("submitted the record sets found before again");
        }
        assertThat(sets()).containsExactly(weighted(EAST, 100, "lb-east.example.com"), weighted(WEST, 0, "lb-west.example.com"));
    }

    @Test
    void shouldSurfaceRoute53RefusalsNamingTheProviderAndWhatToCheck() {
        RecordSet plain = new RecordSet(NAME, "CNAME", null, null, null, 300L, null, List.of("lb-east.example.com"));
        route53.put(zone, plain);
        try (Route53Routing routing = routing(RoutingConfig.Route53Mode.WEIGHTED, Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> routing.routeTo(WEST))
                    .isInstanceOf(RemoteOperationException.class)
                    .hasMessageContaining("route53 routing: changing the record sets of db.example.com.")
                    .hasMessageContaining("conflicting RRSet")
                    .hasMessageContaining("check the record sets of db.example.com. in the zone");
        }
        assertThat(sets()).containsExactly(plain);

        RoutingConfig.Route53Routing unknownZone = config(RoutingConfig.Route53Mode.WEIGHTED, Duration.ofSeconds(10), "Z404");
        try (Route53Routing routing = new Route53Routing(unknownZone, route53.newClient(), CLOCK)) {
            assertThatThrownBy(routing::current)
                    .hasMessageContaining("route53 routing: reading the record sets of db.example.com. (CNAME)")
                    .hasMessageContaining("No hosted zone found with ID: Z404")
                    .hasMessageContaining("check the hosted zone id");
        }
    }

    private List<RecordSet> sets() {
        return route53.recordSets(zone, NAME, "CNAME");
    }

    private Route53Routing routing(RoutingConfig.Route53Mode mode, Duration syncTimeout) {
        return new Route53Routing(config(mode, syncTimeout, zone), route53.newClient(), CLOCK);
    }

    private static RoutingConfig.Route53Routing config(RoutingConfig.Route53Mode mode, Duration syncTimeout, String zoneId) {
        return new RoutingConfig.Route53Routing(zoneId, "db.example.com", RoutingConfig.RecordType.CNAME, mode,
                Map.of(EAST, List.of("lb-east.example.com"), WEST, List.of("lb-west.example.com")), 60,
                Optional.empty(), Optional.empty(), syncTimeout);
    }

    private static RecordSet weighted(RegionId region, long weight, String value) {
        return new RecordSet(NAME, "CNAME", region.value(), weight, null, 60L, null, List.of(value));
    }

    private static RecordSet failover(RegionId region, String role, String value) {
        return new RecordSet(NAME, "CNAME", region.value(), null, role, 60L, null, List.of(value));
    }
}
