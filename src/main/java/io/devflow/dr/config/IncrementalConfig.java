package io.devflow.dr.config;

import java.time.Duration;

/**
 * Incremental backups.
 *
 * @param segment how long the change-capture worker of {@code dr server} writes into one MongoDB segment
 *                before committing it (the seed's hourly incremental)
 * @param captureWorker whether {@code dr server} runs the change-capture worker (otherwise incrementals come
 *                      from the incremental schedule or {@code dr backup --type incremental})
 */
public record IncrementalConfig(Duration segment, boolean captureWorker) {
}
