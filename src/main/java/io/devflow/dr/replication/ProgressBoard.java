package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live progress of every store's worker in every direction: the steps report into it, status and the
 * metrics read from it.
 */
public final class ProgressBoard {

    private final Clock clock;
    private final Map<String, ReplicationProgress> progress = new ConcurrentHashMap<>();

    public ProgressBoard(Clock clock) {
        this.clock = clock;
    }

    public ReplicationProgress of(Direction direction, StoreKind store) {
        return progress.computeIfAbsent(direction.id() + "/" + store.id(),
                k -> new ReplicationProgress(direction, store.id(), clock));
    }
}
