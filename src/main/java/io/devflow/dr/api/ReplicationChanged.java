package io.devflow.dr.api;

import java.util.List;

/** The answer to {@code POST /api/replication/start} and {@code /stop}: the stores whose desired state changed. */
public record ReplicationChanged(List<String> stores, boolean running) {
}
