package io.devflow.dr.archive;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the archive format; {@code docs/archive-format.md} is the specification.
 */
public final class ArchiveFormat {

    /** Version of the data object and its record stream; readers refuse other versions with a clear message. */
    public static final int VERSION = 1;

    /** Version of the manifests this code writes: the data key is bound to the deployment. */
    public static final int MANIFEST_VERSION = 2;

    /** Manifests written before keys were bound to a deployment; still read and restored. */
    public static final int LEGACY_MANIFEST_VERSION = 1;

    /** First bytes of every stored data object. */
    static final byte[] OBJECT_MAGIC = "DRBK".getBytes(StandardCharsets.US_ASCII);

    /** Upper bound of the cleartext object header, to refuse garbage before allocating. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    /** Upper bound of one record: a 16 MiB BSON document plus generous headroom. */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    static final byte STREAM_START = 0x01;
    static final byte SECTION_START = 0x02;
    static final byte ITEM = 0x03;
    static final byte SECTION_END = 0x04;
    static final byte STREAM_END = 0x05;

    public static final String ENCRYPTION = "AES256_GCM_HKDF_1MB";
    public static final String COMPRESSION = "zstd";

    private ArchiveFormat() {
    }
}
