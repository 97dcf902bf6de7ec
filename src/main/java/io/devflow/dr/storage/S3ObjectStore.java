package io.devflow.dr.storage;

import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Remote;
import io.devflow.dr.support.RemoteOperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link ObjectStore} on the AWS SDK's S3 client, for one bucket. */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
    /** The largest part held in one byte array, in whole MiB. */
    static final int MAX_PART_BUFFER = 2047 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String location;
    private final ExecutorService partUploads;

    public S3ObjectStore(S3Client s3, String bucket, String location) {
        this.s3 = s3;
        this.bucket = bucket;
        this.location = location;
        this.partUploads = Executors.newCachedThreadPool(named("dr-s3-part-" + bucket));
    }

    public S3Client client() {
        return s3;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public void put(String key, byte[] bytes, String contentType) {
        Remote.run("writing s3://" + bucket + "/" + key, () -> s3.putObject(
                b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes)));
    }

    @Override
    public Optional<byte[]> getBytes(String key) {
        return Remote.execute("reading s3://" + bucket + "/" + key, () -> {
            try {
                return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        return Remote.execute("reading s3://" + bucket + "/" + key, () -> {
            try {
                var object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
                return Optional.of(new Versioned(object.asByteArray(), object.response().eTag()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean putIfUnchanged(String key, byte[] bytes, String contentType, String expectedEtag) {
        return Remote.execute("writing s3://" + bucket + "/" + key + " if unchanged", () -> {
            try {
                s3.putObject(b -> {
                    b.bucket(bucket).key(key).contentType(contentType);
                    if (expectedEtag == null) {
                        b.ifNoneMatch("*");
                    } else {
                        b.ifMatch(expectedEtag);
                    }
                }, RequestBody.fromBytes(bytes));
                return true;
            } catch (S3Exception e) {
                // 412: the version read is no longer current; 409: a concurrent conditional write to the same key;
                // 404 to If-Match: the version read was deleted since
                if (e.statusCode() == 412 || e.statusCode() == 409 || (e.statusCode() == 404 && expectedEtag != null)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public InputStream open(String key) {
        return Remote.execute("opening s3://" + bucket + "/" + key, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return Remote.execute("inspecting s3://" + bucket + "/" + key, () -> {
            try {
                HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(key));
                return Optional.of(new ObjectInfo(key, r.contentLength(), r.lastModified()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return Remote.execute("listing s3://" + bucket + "/" + prefix, () -> {
            List<ObjectInfo> result = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                result.add(new ObjectInfo(o.key(), o.size(), o.lastModified()));
            }
            return result;
        });
    }

    @Override
    public List<String> folders(String prefix) {
        return Remote.execute("listing the folders of s3://" + bucket + "/" + prefix, () -> {
            List<String> result = new ArrayList<>();
            for (CommonPrefix p : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).delimiter("/"))
                    .commonPrefixes()) {
                result.add(p.prefix());
            }
            return result;
        });
    }

    @Override
    public void delete(String key) {
        Remote.run("deleting s3://" + bucket + "/" + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    @Override
    public List<PendingUpload> pendingUploads(String prefix) {
        return Remote.execute("listing multipart uploads under s3://" + bucket + "/" + prefix, () -> {
            List<PendingUpload> result = new ArrayList<>();
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads()) {
                result.add(new PendingUpload(u.key(), u.uploadId(), u.initiated()));
            }
            return result;
        });
    }

    @Override
    public int abortUploads(String prefix) {
        int aborted = 0;
        for (PendingUpload u : pendingUploads(prefix)) {
            abort(u.key(), u.uploadId());
            aborted++;
        }
        return aborted;
    }

    /**
     * A part is one byte array, so parts above 2047 MiB (S3 allows 5 GiB) are uploaded as 2047 MiB parts;
     * S3's 10,000 parts still allow objects of 20 TiB.
     */
    static int partBuffer(long partSize) {
        return (int) Math.min(partSize, MAX_PART_BUFFER);
    }

    @Override
    public UploadResult upload(String key, InputStream data, long configuredPartSize) {
        int partSize = partBuffer(configuredPartSize);
        MessageDigest sha256 = sha256();
        byte[] current = new byte[partSize];
        int filled = fill(data, current);
        if (filled < partSize) {
            sha256.update(current, 0, filled);
            int size = filled;
            Remote.run("uploading s3://" + bucket + "/" + key, () -> s3.putObject(b -> b.bucket(bucket).key(key),
                    RequestBody.fromInputStream(new ByteArrayInputStream(current, 0, size), size)));
            return new UploadResult(key, filled, HexFormat.of().formatHex(sha256.digest()), 1);
        }
        String uploadId = Remote.execute("starting a multipart upload to s3://" + bucket + "/" + key,
                () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
        try {
            return uploadParts(key, uploadId, data, current, filled, partSize, sha256);
        } catch (RuntimeException | Error e) {
            abortQuietly(key, uploadId, e);
            throw e;
        }
    }

    /**
     * Double-buffered: while one part is on the wire, the pipeline fills the other. Two part buffers are the
     * whole memory cost of an upload, whatever its size.
     */
    private UploadResult uploadParts(String key, String uploadId, InputStream data, byte[] first, int firstSize,
                                     int partSize, MessageDigest sha256) {
        List<CompletedPart> parts = new ArrayList<>();
        byte[] current = first;
        byte[] spare = new byte[partSize];
        int size = firstSize;
        int partNumber = 0;
        long total = 0;
        Future<CompletedPart> inFlight = null;
        try {
            while (size > 0) {
                sha256.update(current, 0, size);
                total += size;
                Future<CompletedPart> next = submitPart(key, uploadId, ++partNumber, current, size);
                if (inFlight != null) {
                    parts.add(await(inFlight));
                }
                inFlight = next;
                byte[] swap = current;
                current = spare;
                spare = swap;
                size = fill(data, current);
            }
            parts.add(await(inFlight));
        } catch (RuntimeException e) {
            if (inFlight != null) {
                inFlight.cancel(true);
            }
            throw e;
        }
        Remote.run("completing the multipart upload of s3://" + bucket + "/" + key, () -> s3.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
        return new UploadResult(key, total, HexFormat.of().formatHex(sha256.digest()), parts.size());
    }

    private Future<CompletedPart> submitPart(String key, String uploadId, int partNumber, byte[] buffer, int size) {
        return partUploads.submit(() -> {
            String etag = Remote.execute("uploading part " + partNumber + " of s3://" + bucket + "/" + key,
                    () -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                                    .contentLength((long) size),
                            RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, size), size)).eTag());
            return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
        });
    }

    private static CompletedPart await(Future<CompletedPart> part) {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteOperationException("upload interrupted", e, false);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new RemoteOperationException("part upload failed: " + e.getCause(), e.getCause(), false);
        } catch (CancellationException e) {
            throw new RemoteOperationException("part upload cancelled", e, false);
        }
    }

    private void abortQuietly(String key, String uploadId, Throwable cause) {
        try {
            abort(key, uploadId);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warn("could not abort multipart upload {} of s3://{}/{}: {}; retention will clean it up",
                    uploadId, bucket, key, Failures.describe(e));
        }
    }

    private void abort(String key, String uploadId) {
        Remote.run("aborting multipart upload of s3://" + bucket + "/" + key, () -> {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (NoSuchUploadException e) {
                LOG.debug("multipart upload {} already gone", uploadId);
            }
        });
    }

    /** Reads until the buffer is full or the stream ends; returns the count. */
    private static int fill(InputStream in, byte[] buffer) {
        int filled = 0;
        try {
            while (filled < buffer.length) {
                int n = in.read(buffer, filled, buffer.length - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return filled;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        partUploads.shutdownNow();
    }
}
