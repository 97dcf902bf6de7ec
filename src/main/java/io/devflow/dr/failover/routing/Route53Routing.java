package io.devflow.dr.failover.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.RoutingConfig;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.Remote;
import io.devflow.dr.support.RemoteOperationException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.ResourceRecordSetFailover;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Routes through Route 53 record sets of one name and type, one per region ({@code SetIdentifier} = the region):
 * weighted (100 for the active region, 0 for the others) or failover (the active region's record PRIMARY, the
 * other's SECONDARY). Every change is one UPSERT batch followed by a bounded wait until Route 53 reports it INSYNC;
 * a change that does not get there in time is reverted and reported as failed, so the failover that asked for it
 * has nothing of it to undo. The record of a change holds the record sets found before and set after, and undo
 * puts back those found before, deleting any that did not exist.
 */
public final class Route53Routing implements RoutingProvider, AutoCloseable {

    static final String NAME = "route53";
    private static final long ACTIVE_WEIGHT = 100;
    private static final Duration MAX_POLL = Duration.ofSeconds(5);

    private final RoutingConfig.Route53Routing config;
    private final Route53Client client;
    private final Clock clock;
    private final String recordName;

    public Route53Routing(RoutingConfig.Route53Routing config, Route53Client client, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.client = Objects.requireNonNull(client);
        this.clock = Objects.requireNonNull(clock);
        this.recordName = normalized(config.recordName());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<RegionId> current() {
        List<ResourceRecordSet> sets = read();
        if (config.mode() == RoutingConfig.Route53Mode.FAILOVER) {
            return sets.stream().filter(s -> s.failover() == ResourceRecordSetFailover.PRIMARY)
                    .map(s -> region(s.setIdentifier())).flatMap(Optional::stream).findFirst();
        }
        long top = sets.stream().mapToLong(s -> s.weight() == null ? 0 : s.weight()).max().orElse(0);
        List<ResourceRecordSet> heaviest = sets.stream().filter(s -> s.weight() != null && s.weight() == top).toList();
        return top > 0 && heaviest.size() == 1 ? region(heaviest.get(0).setIdentifier()) : Optional.empty();
    }

    /**
     * Weighted: the source's weight becomes 0. Failover records have no way to take the PRIMARY out without naming
     * another, so in that mode a drain changes nothing and says so; the PRIMARY moves when the target is routed to.
     */
    @Override
    public RoutingChange drain(RegionId source) {
        List<ResourceRecordSet> before = read();
        if (config.mode() == RoutingConfig.Route53Mode.FAILOVER) {
            ObjectNode unchanged = describe(before);
            unchanged.put("note", "failover records: nothing to drain, the PRIMARY moves when the target is routed to");
            return new RoutingChange(NAME, "drain", describe(before), unchanged, clock.instant());
        }
        return apply("drain", before, List.of(recordSet(source, before, false)));
    }

    @Override
    public RoutingChange routeTo(RegionId target) {
        List<ResourceRecordSet> before = read();
        List<ResourceRecordSet> desired = config.values().keySet().stream().sorted()
                .map(region -> recordSet(region, before, region.equals(target))).toList();
        return apply("route", before, desired);
    }

    @Override
    public void undo(RoutingChange change) {
        List<ResourceRecordSet> before = recordSets(change.before());
        List<ResourceRecordSet> after = recordSets(change.after());
        if (before.equals(after)) {
            return;
        }
        List<ResourceRecordSet> current = read();
        List<Change> changes = restoring(before, after, current);
        if (!changes.isEmpty()) {
            awaitInSync(submit(changes, "putting back the record sets found before the " + change.action()));
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private RoutingChange apply(String action, List<ResourceRecordSet> before, List<ResourceRecordSet> desired) {
        List<Change> changes = desired.stream()
                .filter(set -> !before.contains(set))
                .map(set -> Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(set).build()).toList();
        if (changes.isEmpty()) {
            return new RoutingChange(NAME, action, describe(before), describe(before), clock.instant());
        }
        String changeId = submit(changes, action + " (" + changes.size() + " record sets)");
        try {
            awaitInSync(changeId);
        } catch (RemoteOperationException e) {
            List<Change> revert = restoring(before, merged(before, desired), merged(before, desired));
            String reverted = revert.isEmpty() ? "" : "; submitted the record sets found before again (change "
                    + submit(revert, "reverting the " + action) + ")";
            throw new RemoteOperationException(e.getMessage() + reverted, e.getCause(), e.isTransient());
        }
        return new RoutingChange(NAME, action, describe(before), describe(merged(before, desired)), clock.instant());
    }

    /** What puts back {@code before}: an UPSERT of each set that differs now, a DELETE of each set {@code after} added. */
    private static List<Change> restoring(List<ResourceRecordSet> before, List<ResourceRecordSet> after,
                                          List<ResourceRecordSet> current) {
        List<Change> changes = new ArrayList<>();
        for (ResourceRecordSet set : before) {
            if (!current.contains(set)) {
                changes.add(Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(set).build());
            }
        }
        for (ResourceRecordSet set : current) {
            boolean added = after.stream().anyMatch(a -> Objects.equals(a.setIdentifier(), set.setIdentifier()))
                    && before.stream().noneMatch(b -> Objects.equals(b.setIdentifier(), set.setIdentifier()));
            if (added) {
                changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(set).build());
            }
        }
        return changes;
    }

    private static List<ResourceRecordSet> merged(List<ResourceRecordSet> before, List<ResourceRecordSet> desired) {
        Map<String, ResourceRecordSet> byIdentifier = new LinkedHashMap<>();
        before.forEach(set -> byIdentifier.put(String.valueOf(set.setIdentifier()), set));
        desired.forEach(set -> byIdentifier.put(String.valueOf(set.setIdentifier()), set));
        return byIdentifier.values().stream().sorted(Comparator.comparing(s -> String.valueOf(s.setIdentifier()))).toList();
    }

    /** The region's record set as configured, keeping the health check an operator attached to it. */
    private ResourceRecordSet recordSet(RegionId region, List<ResourceRecordSet> existing, boolean active) {
        ResourceRecordSet.Builder set = ResourceRecordSet.builder()
                .name(recordName).type(config.recordType().name()).setIdentifier(region.value()).ttl(config.ttl())
                .resourceRecords(config.values().get(region).stream().map(v -> ResourceRecord.builder().value(v).build()).toList());
        existing.stream().filter(s -> region.value().equals(s.setIdentifier())).findFirst()
                .map(ResourceRecordSet::healthCheckId).ifPresent(set::healthCheckId);
        if (config.mode() == RoutingConfig.Route53Mode.FAILOVER) {
            set.failover(active ? ResourceRecordSetFailover.PRIMARY : ResourceRecordSetFailover.SECONDARY);
        } else {
            set.weight(active ? ACTIVE_WEIGHT : 0L);
        }
        return set.build();
    }

    /** The record sets of the configured name and type, in the order of their identifiers. */
    private List<ResourceRecordSet> read() {
        return call("reading the record sets of " + recordName + " (" + config.recordType() + ")",
                "the hosted zone id and the permission route53:ListResourceRecordSets",
                () -> client.listResourceRecordSetsPaginator(r -> r.hostedZoneId(config.hostedZoneId())
                                .startRecordName(recordName).startRecordType(config.recordType().name()))
                        .resourceRecordSets().stream()
                        .takeWhile(s -> normalized(s.name()).equals(recordName) && config.recordType().name().equals(s.typeAsString()))
                        .map(Route53Routing::comparable)
                        .sorted(Comparator.comparing(s -> String.valueOf(s.setIdentifier())))
                        .toList());
    }

    private String submit(List<Change> changes, String what) {
        return call("changing the record sets of " + recordName + " in hosted zone " + config.hostedZoneId() + ": " + what,
                "the record sets of " + recordName + " in the zone and the permission route53:ChangeResourceRecordSets",
                () -> client.changeResourceRecordSets(r -> r.hostedZoneId(config.hostedZoneId())
                        .changeBatch(b -> b.comment("devflow-dr failover routing").changes(changes))).changeInfo().id());
    }

    private void awaitInSync(String changeId) {
        long deadline = System.nanoTime() + config.syncTimeout().toNanos();
        Duration pause = Duration.ofMillis(200);
        while (true) {
            ChangeStatus status = call("reading the status of change " + changeId, "the permission route53:GetChange",
                    () -> client.getChange(r -> r.id(changeId)).changeInfo().status());
            if (status == ChangeStatus.INSYNC) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new RemoteOperationException(NAME + " routing: change " + changeId + " was still " + status
                        + " after " + config.syncTimeout().toSeconds() + " s; check Route 53's status, or raise "
                        + "routing.route53.syncTimeoutSeconds", null, true);
            }
            sleep(Duration.ofNanos(Math.min(left, pause.toNanos())));
            pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
        }
    }

    private static <T> T call(String what, String check, Remote.Operation<T> operation) {
        try {
            return Remote.execute(NAME + " routing: " + what, operation);
        } catch (RemoteOperationException e) {
            throw new RemoteOperationException(e.getMessage() + "; check " + check, e.getCause(), e.isTransient());
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(Math.max(1, pause.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteOperationException(NAME + " routing: waiting for a change to be INSYNC was interrupted", e, false);
        }
    }

    private Optional<RegionId> region(String setIdentifier) {
        return RegionId.isValid(setIdentifier) && config.values().containsKey(RegionId.of(setIdentifier))
                ? Optional.of(RegionId.of(setIdentifier)) : Optional.empty();
    }

    /** The set as Route 53 lists it, reduced to the fields this provider writes (so equal sets compare equal). */
    private static ResourceRecordSet comparable(ResourceRecordSet set) {
        return ResourceRecordSet.builder().name(normalized(set.name())).type(set.typeAsString())
                .setIdentifier(set.setIdentifier()).weight(set.weight()).failover(set.failoverAsString())
                .ttl(set.ttl()).healthCheckId(set.healthCheckId())
                .resourceRecords(set.hasResourceRecords() ? set.resourceRecords() : List.of()).build();
    }

    private static String normalized(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private static ObjectNode describe(List<ResourceRecordSet> sets) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ArrayNode array = node.putArray("recordSets");
        for (ResourceRecordSet set : sets) {
            ObjectNode s = array.addObject().put("name", set.name()).put("type", set.typeAsString());
            Optional.ofNullable(set.setIdentifier()).ifPresent(v -> s.put("setIdentifier", v));
            Optional.ofNullable(set.weight()).ifPresent(v -> s.put("weight", v));
            Optional.ofNullable(set.failoverAsString()).ifPresent(v -> s.put("failover", v));
            Optional.ofNullable(set.ttl()).ifPresent(v -> s.put("ttl", v));
            Optional.ofNullable(set.healthCheckId()).ifPresent(v -> s.put("healthCheckId", v));
            ArrayNode values = s.putArray("values");
            set.resourceRecords().forEach(r -> values.add(r.value()));
        }
        return node;
    }

    private static List<ResourceRecordSet> recordSets(JsonNode description) {
        List<ResourceRecordSet> sets = new ArrayList<>();
        for (JsonNode s : description.path("recordSets")) {
            List<ResourceRecord> values = new ArrayList<>();
            s.path("values").forEach(v -> values.add(ResourceRecord.builder().value(v.asText()).build()));
            sets.add(ResourceRecordSet.builder().name(s.path("name").asText()).type(s.path("type").asText())
                    .setIdentifier(text(s, "setIdentifier")).weight(s.has("weight") ? s.get("weight").asLong() : null)
                    .failover(text(s, "failover")).ttl(s.has("ttl") ? s.get("ttl").asLong() : null)
                    .healthCheckId(text(s, "healthCheckId")).resourceRecords(values).build());
        }
        return sets;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
