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
}
