package io.devflow.dr.status;

import io.devflow.dr.control.Conflict;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.failover.HealthReport;
import io.devflow.dr.replication.ReplicationReport;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code dr status} shows, in the seed's blocks: the system, replication per target region,
 * conflicts, recent failovers, the backups per region and store, and per store the measured RTO and RPO against
 * their targets.
 */
public record SystemStatus(System system, List<HealthReport.Region> regions, Replication replication,
                           Conflicts conflicts, List<io.devflow.dr.failover.FailoverRecord> recentFailovers,
                           BackupStatusService.Status backups, Leadership leadership, AutoFailover autoFailover,
                           List<RecoveryObjectives.StoreObjectives> objectives) {

    /**
     * Automatic failover: whether it is on, and the controller's last verdict with its evidence (which checks
     * failed, since when), as recorded in the control state.
     *
     * @param action {@code healthy}, {@code watching}, {@code refused} or {@code fail-over}; null before any verdict
     */
    public record AutoFailover(boolean enabled, String action, String code, String reason, List<String> evidence,
                               Instant since, Instant at, String failoverId) {
    }

    /**
     * Who leads the dr server instances, from the leadership record in the control state.
     *
     * @param engine   the election engine of the configuration
     * @param leader   the current term's leader, null when no leader has recorded a term yet
     * @param epoch    the current term
     * @param since    when the term began
     * @param instance this instance, when the status comes from a dr server (null from the CLI)
     * @param role     {@code leader} or {@code standby}, for a dr server
     * @param error    why the record could not be read, if it could not
     */
    public record Leadership(String engine, String leader, String leaderApiUrl, Long epoch, Instant since,
                             String instance, String role, String error) {
    }

    /**
     * @param primaryRegion the primary region of the configuration (where the active region started)
     * @param activeRegion the region that serves as primary now
     * @param activeTerm 0 until a failover, one more with each
     * @param activeSince when the active region became active (null for the configured primary)
     * @param failoverId the failover that made it active (null for the configured primary)
     * @param roles every region's role now: {@code active} or {@code standby}
     * @param health {@code healthy}, {@code degraded} or {@code failed}
     * @param problems what made it less than healthy, in words
     */
    public record System(String primaryRegion, String activeRegion, long activeTerm, Instant activeSince,
                         String failoverId, Map<String, String> roles, String health, List<String> problems,
                         Instant lastHealthCheck, Instant lastBackup) {
    }

    /**
     * Replication as the server running it last reported it.
     *
     * @param state {@code running} (a fresh report), {@code not reporting} (a report older than the failed
     *              threshold: the server may be down), {@code not running} (never reported) or
     *              {@code not configured}
     * @param reportAgeSeconds how old the report is
     */
    public record Replication(String state, String source, String strategy, Instant reportedAt,
                              Long reportAgeSeconds, String reportedBy, List<ReplicationReport.Target> targets,
                              List<DesiredStore> desired) {
    }

    /** @param changedBy who decided, or null when the configuration's {@code enabled} decides */
    public record DesiredStore(String store, boolean running, Instant changedAt, String changedBy) {
    }

    public record Conflicts(int open, List<Conflict> items) {
    }
}
