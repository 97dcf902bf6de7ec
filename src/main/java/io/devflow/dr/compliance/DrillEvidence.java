package io.devflow.dr.compliance;

import java.time.Instant;
import java.util.List;

/** Where the report finds DR drill results. */
public interface DrillEvidence {

    /** The drills that started at or after {@code since}, oldest first. */
    List<DrillRun> since(Instant since);
}
