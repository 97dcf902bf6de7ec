package io.devflow.dr.testing;

import io.devflow.dr.testing.Route53ProtocolEndpoint.RecordSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Route 53-protocol test endpoint keeps Route 53's change semantics, as the real SDK client sees them. */
class Route53ProtocolEndpointTest {

    Route53ProtocolEndpoint route53;
    Route53Client client;
    String zone;

    @BeforeEach
    void start() {
        route53 = Route53ProtocolEndpoint.start();
        client = route53.newClient();
        zone = route53.createHostedZone("example.com");
    }

    @AfterEach
    void stop() {
        client.close();
        route53.close();
    }

    @Test
    void shouldRefuseToCreateAnExistingSetAndToDeleteAMissingOneWithoutChangingAnything() {
        change(ChangeAction.CREATE, set("10.0.0.1"));

        assertThatThrownBy(() -> change(ChangeAction.CREATE, set("10.0.0.2")))
                .isInstanceOf(InvalidChangeBatchException.class)
                .hasMessageContaining("Tried to create resource record set [name='www.example.com.', type='A'] but it already exists");
        assertThatThrownBy(() -> change(ChangeAction.DELETE, set("10.0.0.2")))
                .isInstanceOf(InvalidChangeBatchException.class)
                .hasMessageContaining("but the values provided do not match the current values");
        change(ChangeAction.DELETE, set("10.0.0.1"));
        assertThatThrownBy(() -> change(ChangeAction.DELETE, set("10.0.0.1")))
                .isInstanceOf(InvalidChangeBatchException.class)
                .hasMessageContaining("but it was not found");
        assertThat(route53.recordSets(zone, "www.example.com", "A")).isEmpty();
    }

    @Test
    void shouldApplyUpsertAndReportTheChangeInSyncOnlyAfterItWasPending() {
        String id = change(ChangeAction.UPSERT, set("10.0.0.1"));
        change(ChangeAction.UPSERT, set("10.0.0.3"));

        assertThat(client.getChange(r -> r.id(id)).changeInfo().statusAsString()).isEqualTo("PENDING");
        assertThat(client.getChange(r -> r.id(id)).changeInfo().statusAsString()).isEqualTo("INSYNC");
        assertThat(route53.recordSets(zone, "www.example.com", "A"))
                .containsExactly(new RecordSet("www.example.com.", "A", null, null, null, 60L, null, List.of("10.0.0.3")));
    }

    @Test
    void shouldRefuseASecondPrimaryAndSetsOutsideTheZone() {
        ResourceRecordSet primary = ResourceRecordSet.builder().name("db.example.com").type("A").setIdentifier("a")
                .failover("PRIMARY").ttl(60L).resourceRecords(r -> r.value("10.0.0.1")).build();
        change(ChangeAction.CREATE, primary);

        assertThatThrownBy(() -> change(ChangeAction.CREATE, primary.toBuilder().setIdentifier("b").build()))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("PRIMARY");
        assertThatThrownBy(() -> change(ChangeAction.CREATE, primary.toBuilder().name("db.example.org").build()))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("is not permitted in zone example.com.");
    }

    private String change(ChangeAction action, ResourceRecordSet set) {
        return client.changeResourceRecordSets(r -> r.hostedZoneId(zone)
                .changeBatch(b -> b.changes(c -> c.action(action).resourceRecordSet(set)))).changeInfo().id();
    }

    private static ResourceRecordSet set(String address) {
        return ResourceRecordSet.builder().name("www.example.com").type("A").ttl(60L)
                .resourceRecords(r -> r.value(address)).build();
    }
}
