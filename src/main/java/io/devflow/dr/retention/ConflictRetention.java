package io.devflow.dr.retention;

import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The retention step for conflict records: resolved conflicts hold whole documents of both regions, so they are
 * deleted once resolved longer ago than {@code replication.conflicts.keepResolvedDays}. Open conflicts are never
 * deleted. Runs after the backups' retention on the same request, dry run included.
 */
public final class ConflictRetention {

    /**
     * @param deleted the conflicts deleted (or, in a dry run, that would be)
     * @param resolvedBefore the cut-off: conflicts resolved before it go
     * @param error why the control state could not be pruned, when it could not
     */
    public record Result(List<String> deleted, Instant resolvedBefore, String error) {
    }

    private final Optional<ConflictStore> conflicts;
    private final Duration keepResolved;
    private final Clock clock;

    /** @param conflicts empty when replication is not configured: there are no conflicts to keep */
    public ConflictRetention(Optional<ConflictStore> conflicts, Duration keepResolved, Clock clock) {
        this.conflicts = conflicts;
        this.keepResolved = keepResolved;
        this.clock = clock;
    }

    /** The report of the backups' retention, with what was done to resolved conflicts. */
    public RetentionService.Report apply(boolean dryRun, RetentionService.Report report) {
        if (conflicts.isEmpty()) {
            return report;
        }
        Instant before = clock.instant().minus(keepResolved);
        try {
            return report.withResolvedConflicts(new Result(conflicts.get().pruneResolved(before, dryRun), before, null));
        } catch (RemoteOperationException e) {
            return report.withResolvedConflicts(new Result(List.of(), before,
                    "the control state could not be pruned: " + Failures.describe(e)));
        }
    }
}
