package io.devflow.dr.storage;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The small part of S3 this tool uses, for one region's bucket. Keys are full object keys (the layout's
 * prefix included). Implementations turn service errors into {@link io.devflow.dr.support.RemoteOperationException}s
 * that name the bucket and the operation.
 */
public interface ObjectStore {

    /** {@code s3://bucket/prefix}, for messages. */
    String location();

    void put(String key, byte[] bytes, String contentType);

    /** The whole object, for small ones (manifests). Empty when it does not exist. */
    Optional<byte[]> getBytes(String key);

    /** A small object with its version tag (the ETag the store gave it), for a conditional write after it. */
    Optional<Versioned> getVersioned(String key);

    /**
     * Writes the object only if it is still the version read ({@code expectedEtag}), or, with {@code null}, only if
     * it does not exist: S3's {@code If-Match} and {@code If-None-Match: *}.
     *
     * @return false when the store refused the write because the object changed or appeared since (HTTP 412)
     */
    boolean putIfUnchanged(String key, byte[] bytes, String contentType, String expectedEtag);

    /** Streams the object. The caller closes the stream. */
    InputStream open(String key);

    Optional<ObjectInfo> head(String key);

    /** Every object under a prefix, across pages. */
    List<ObjectInfo> list(String prefix);

    /**
     * The folders directly under a prefix ending in {@code /}: the common prefixes of a listing with the delimiter
     * {@code /}, each ending in {@code /}, across pages.
     */
    List<String> folders(String prefix);

    void delete(String key);

    /**
     * Uploads a stream of unknown length with bounded memory: in parts of {@code partSize} bytes (one
     * request for anything smaller), aborting the multipart upload if anything fails.
     */
    UploadResult upload(String key, InputStream data, long partSize);

    /** Multipart uploads begun but neither completed nor aborted, under a prefix. */
    List<PendingUpload> pendingUploads(String prefix);

    /** Aborts every pending multipart upload under a prefix; returns how many. */
    int abortUploads(String prefix);

    record ObjectInfo(String key, long size, Instant lastModified) {
    }

    record Versioned(byte[] bytes, String etag) {
    }

    record PendingUpload(String key, String uploadId, Instant initiated) {
    }

    /** @param sha256 hex digest of the uploaded bytes */
    record UploadResult(String key, long size, String sha256, int parts) {
    }
}
