package io.devflow.dr.recovery.plan;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationDirections;
import io.devflow.dr.support.StateConflictException;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Refuses a recovery into a region that replication writes into: its next round would overwrite what the recovery
 * restored, and in replace mode find its own versions gone. Replication writes into a region when the region is a
 * target of the current directions (from the active region) and the operator's desired state for the store is
 * running ({@code dr server} follows the desired state within seconds).
 */
final class ReplicationGuard {

    private final Optional<ReplicationControl> control;
    private final Supplier<RegionId> active;

    ReplicationGuard(Optional<ReplicationControl> control, Supplier<RegionId> active) {
        this.control = control;
        this.active = active;
    }

    void check(RegionId target, Collection<StoreKind> stores) {
        if (control.isEmpty()) {
            return;
        }
        ReplicationControl replication = control.get();
        RegionId from = active.get();
        List<Direction> directions = new ReplicationDirections(replication.config(), () -> from).of(from);
        Optional<Direction> into = directions.stream().filter(d -> d.target().equals(target)).findFirst();
        if (into.isEmpty()) {
            return;
        }
        List<StoreKind> writing = replication.desired().entrySet().stream()
                .filter(e -> e.getValue().running() && stores.contains(e.getKey())).map(java.util.Map.Entry::getKey).toList();
        if (!writing.isEmpty()) {
            String names = String.join(", ", writing.stream().map(StoreKind::id).toList());
            throw new StateConflictException("replication writes into " + target + " (" + into.get().source() + " -> "
                    + target + ": " + names + "), which would overwrite what the recovery restores; stop it first with '"
                    + "dr replication stop" + (writing.size() == 1 ? " --store " + names : "") + "' and wait for the "
                    + "server to stop its workers ('dr status'), then run the recovery again");
        }
    }
}
