package io.devflow.dr.config;

/**
 * @param verify how thoroughly every new backup is read back before its manifest is committed
 * @param partSizeMiB multipart upload part size; bounds the memory an upload uses
 * @param compressionLevel zstd level
 */
public record BackupConfig(
        EncryptionConfig encryption,
        RetentionConfig retention,
        ScheduleConfig schedule,
        VerifyLevel verify,
        int partSizeMiB,
        int compressionLevel,
        RetryConfig retry,
        IncrementalConfig incremental) {

    /** The part size in bytes: 5120 MiB, the most S3 allows, is more than an int holds. */
    public long partSizeBytes() {
        return partSizeMiB * 1024L * 1024L;
    }
}
