package io.devflow.dr.config;

import java.net.URI;
import java.util.Optional;

/**
 * A region's object storage for backups.
 *
 * @param bucket bucket name
 * @param region the storage service's region (signing region)
 * @param endpoint endpoint of an S3-compatible store; empty for AWS S3
 * @param prefix key prefix under which everything of this tool lives, without slashes at either end
 * @param pathStyleAccess address buckets as a path rather than a host name (S3-compatible stores)
 * @param accessKeyId static credentials; empty to use the default AWS credential chain
 * @param secretAccessKey static credentials; present exactly when accessKeyId is
 */
public record StorageConfig(
        String type,
        String bucket,
        String region,
        Optional<URI> endpoint,
        String prefix,
        boolean pathStyleAccess,
        Optional<Secret> accessKeyId,
        Optional<Secret> secretAccessKey) {

    /** Where this storage is, for messages: {@code s3://bucket/prefix}. */
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
