package io.devflow.dr.alert;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.replication.ReplicationReport;

import java.util.List;
import java.util.Optional;

/** What the alert rules read: the same figures the service already shows in {@code dr status} and its metrics. */
public interface AlertSources {

    /** The active region, where backups are taken. */
    String activeRegion();

    /** The stores configured in the active region. */
    List<StoreKind> stores();

    /** Every backup of a store in the active region, whatever its state, newest first. */
    List<BackupRecord> backups(StoreKind store);

    /** The recovery objectives measured per store. */
    List<RecoveryObjectives.StoreObjectives> objectives();

    /** Replication's report (this process's while it replicates, else the published one); empty when not replicated. */
    Optional<ReplicationReport> replication();

    /** The open conflicts, oldest first; empty when nothing is replicated. */
    List<Conflict> openConflicts();

    /** The newest drill of a type, running or ended. */
    Optional<DrillResult> newestDrill(DrillType type);
}
