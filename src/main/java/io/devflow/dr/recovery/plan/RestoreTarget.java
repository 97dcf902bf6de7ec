package io.devflow.dr.recovery.plan;

import java.util.Map;

/**
 * Where a plan's restore and verify steps put a store's databases. A recovery writes into the databases the backup
 * came from; a recovery-time drill into scratch databases it chose, which go into the plan's record (its store parts)
 * before anything is written, so that every step, and whoever reads the record, sees the same names.
 */
@FunctionalInterface
public interface RestoreTarget {

    /**
     * @param store the store's id
     * @param planned source database to the database a recovery writes into
     * @return source database to the database this plan writes into; may throw to refuse the plan
     */
    Map<String, String> databases(String store, Map<String, String> planned);
}
