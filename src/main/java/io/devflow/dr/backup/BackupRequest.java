package io.devflow.dr.backup;

import io.devflow.dr.archive.Progress;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

import java.time.Instant;
import java.util.Objects;

/**
 * A request for one backup, whichever entry point it came from.
 *
 * @param trigger {@code cli}, {@code api}, {@code schedule}, {@code capture} or {@code demo}; recorded in the manifest
 * @param until incremental only: keep capturing changes until then (the capture worker); null to stop once
 *              caught up
 * @param progress counters the caller may watch while the backup runs
 */
public record BackupRequest(BackupType type, StoreKind store, RegionId region, String trigger, Instant until,
                            Progress progress) {

    /** The trigger of the capture worker's segments. */
    public static final String CAPTURE = "capture";

    public BackupRequest {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(trigger, "trigger");
        progress = progress == null ? new Progress() : progress;
    }

    public boolean isCapture() {
        return CAPTURE.equals(trigger);
    }

    public BackupRequest(BackupType type, StoreKind store, RegionId region, String trigger) {
        this(type, store, region, trigger, null, new Progress());
    }

    public BackupRequest(BackupType type, StoreKind store, RegionId region, String trigger, Progress progress) {
        this(type, store, region, trigger, null, progress);
    }
}
