package io.devflow.dr.config;

/**
 * @param verify how thoroughly every new backup is read back before its manifest is committed
 * @param partSizeMiB multipart upload part size; bounds the memory an upload uses
 * @param compressionLevel zstd level
 * @param compressionWorkers zstd's own compression threads (0: compress on the backup's thread)
 */
public record BackupConfig(
        EncryptionConfig encryption,
        RetentionConfig retention,
        ScheduleConfig schedule,
        VerifyLevel verify,
        int partSizeMiB,
        int compressionLevel,
        int compressionWorkers,
        RetryConfig retry,
        IncrementalConfig incremental) {

    /** Two workers, or one per core on a smaller machine: a backup takes at most one more core than before. */
    public static int defaultCompressionWorkers() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /** The part size in bytes: 5120 MiB, the most S3 allows, is more than an int holds. */
    public long partSizeBytes() {
        return partSizeMiB * 1024L * 1024L;
    }
}
