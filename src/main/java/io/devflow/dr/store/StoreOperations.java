package io.devflow.dr.store;

import io.devflow.dr.archive.ArchiveReader;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What the backup pipeline, verification and restore need from one kind of data store. Implementations
 * hold no Camel types; the pipeline route calls them through {@link BackupPipeline}.
 */
public interface StoreOperations {

    StoreKind store();

    boolean isConfigured(RegionConfig region);

    /** Whether the store has incremental backups (otherwise every backup is a full snapshot). */
    boolean supportsIncremental();

    /** Whether restore-level verification can restore into scratch databases in the region and drop them afterwards. */
    default boolean supportsScratchRestore(RegionConfig region) {
        return true;
    }

    /** The store's databases (names as they appear in the archive) in a region. */
    List<String> databases(RegionConfig region);

    /** A full snapshot of the region's store. */
    Extraction full(RegionContext region, Instant startedAt);

    /**
     * The changes since {@code parent} ended.
     *
     * @param until when to stop capturing; null to stop once caught up
     */
    Extraction incremental(RegionContext region, Manifest parent, Instant startedAt, Instant until);

    /**
     * Writes one backup of this store into a region.
     *
     * @param backup the backup being applied: a full backup, or an increment replayed over one
     * @param databaseMapping source database name to target database name
     * @param cutoff for point-in-time recovery: leave out everything after this instant; null for everything
     * @param after per stream, the position up to which the target already holds the data (incremental
     *              replay after a full); empty for a full
     */
    Restorer restorer(RegionContext target, Manifest backup, UnaryOperator<String> databaseMapping, Instant cutoff,
                      Map<String, String> after);

    /**
     * Whether replaying {@code increment} and the increments after it, over {@code full}, reaches everything the
     * full backup did not hold: by default when the increment was taken from that full backup.
     */
    default boolean continuesFrom(Manifest increment, Manifest full) {
        return full.id().equals(increment.parent());
    }

    /**
     * Whether a full backup is consistent as of the instant it covers. A MongoDB full backup is not (collections
     * are copied one after another while writes go on) and needs its increments replayed from where it started.
     */
    default boolean fullIsConsistent() {
        return true;
    }

    /** Per stream, what a restored full backup already holds: where replaying increments over it starts. */
    default Map<String, String> heldBy(Manifest full) {
        return Map.of();
    }

    /**
     * Fingerprints of what a restore wrote, named like the archive's sections (over {@link #restoredForm}), for
     * restore-level verification and recovery plans.
     *
     * @param databases source database name to the database of {@code region} that holds it
     */
    List<SectionSummary> fingerprint(RegionContext region, Map<String, String> databases);

    /** Drops scratch databases made for restore-level verification. */
    void drop(RegionContext region, String database);

    /**
     * Empties databases of a region's store before a recovery replaces them ({@code dr recover --mode replace}), so
     * that the restore leaves exactly the backup's state: MongoDB drops the databases, Redis flushes the logical
     * databases, InfluxDB drops every measurement of the databases (they keep their retention policies).
     */
    void empty(RegionContext region, List<String> databases);

    /**
     * The part of an archived item that a restore reproduces exactly, for comparing a restored store's
     * {@link #fingerprint} with its backup: the item itself, unless the restore changes some of it.
     */
    default byte[] restoredForm(byte[] item) {
        return item;
    }

    /** Whether {@link #restoredForm} is the item itself, so the manifest's fingerprints describe the restored store. */
    default boolean restoresItemsAsArchived() {
        return true;
    }

    /** An extraction in progress: its records, what it describes, and where it started and ended. */
    record Extraction(RecordSource source, Map<String, String> description, Map<String, String> start,
                      Supplier<Map<String, String>> end, Supplier<Instant> coveredUntil) {
    }

    /**
     * A restore in progress. Writes may still be running when the archive's last section ends: {@link #result()}
     * waits for them, and fails when one failed.
     */
    interface Restorer extends ArchiveReader.Visitor, AutoCloseable {
        /** Per target collection, measurement or database: how many items were written; and warnings. */
        RestoreResult result();

        /** Releases connections and worker threads; after a failure, drops writes not yet made. Idempotent. */
        @Override
        default void close() {
        }
    }

    record RestoreResult(Map<String, Long> written, long skipped, List<String> warnings) {
        public long total() {
            return written.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
