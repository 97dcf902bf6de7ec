package io.devflow.dr.app;

import io.devflow.dr.config.StoreKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationRoutesTest {

    @Test
    void shouldCountTheStoresWorkerRouteAndItsHelpersAsItsWorkers() {
        assertThat(ReplicationRoutes.isWorkerOf("replication-mongodb", StoreKind.MONGODB)).isTrue();
        assertThat(ReplicationRoutes.isWorkerOf("replication-redis-keyspace", StoreKind.REDIS)).isTrue();
        assertThat(ReplicationRoutes.isWorkerOf("replication-redis-reconcile", StoreKind.REDIS)).isTrue();
        assertThat(ReplicationRoutes.isWorkerOf("replication-influxdb", StoreKind.INFLUXDB)).isTrue();
    }

    @Test
    void shouldLeaveOtherRoutesAlone() {
        assertThat(ReplicationRoutes.isWorkerOf("replication-control", StoreKind.MONGODB)).isFalse();
        assertThat(ReplicationRoutes.isWorkerOf("replication-redis", StoreKind.MONGODB)).isFalse();
        assertThat(ReplicationRoutes.isWorkerOf("replication-mongodb2", StoreKind.MONGODB)).isFalse();
        assertThat(ReplicationRoutes.isWorkerOf("replication-mongodbx-reconcile", StoreKind.MONGODB)).isFalse();
        assertThat(ReplicationRoutes.isWorkerOf("backup-mongodb", StoreKind.MONGODB)).isFalse();
        assertThat(ReplicationRoutes.isWorkerOf("replication", StoreKind.MONGODB)).isFalse();
        assertThat(ReplicationRoutes.isWorkerOf("replication-", StoreKind.MONGODB)).isFalse();
    }

    @Test
    void shouldNotStopTheSharedReplicationRoutesWithAnyStore() {
        for (String shared : List.of("replication-api", "replication-conflict", "replication-conflict-dead-letter",
                "replication-control", "replication-dead-letter", "replication-status")) {
            for (StoreKind store : StoreKind.values()) {
                assertThat(ReplicationRoutes.isWorkerOf(shared, store)).as(shared + " / " + store).isFalse();
            }
        }
    }
}
