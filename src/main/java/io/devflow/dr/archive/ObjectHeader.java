package io.devflow.dr.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The cleartext header at the start of every stored data object. Its exact bytes are the associated data
 * of the encryption that follows, so it cannot be altered, and an object cannot pass for another backup's.
 */
public record ObjectHeader(
        int formatVersion,
        String backupId,
        String store,
        String region,
        String createdAt,
        String compression,
        String encryption,
        String keyProvider,
        String keyId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The header and the exact bytes it was read from. */
    public record Read(ObjectHeader header, byte[] encoded) {
    }

    public byte[] encode() {
        try {
            byte[] json = JSON.writeValueAsBytes(this);
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 10);
            DataOutputStream data = new DataOutputStream(out);
            data.write(ArchiveFormat.OBJECT_MAGIC);
            data.writeShort(formatVersion);
            data.writeInt(json.length);
            data.write(json);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode object header", e);
        }
    }

    /**
     * Reads the header from the start of a stored object.
     *
     * @throws ArchiveIntegrityException when the object does not start with a version 1 header
     */
    public static Read read(InputStream in, String what) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = new byte[ArchiveFormat.OBJECT_MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, ArchiveFormat.OBJECT_MAGIC)) {
                throw new ArchiveIntegrityException(what + ": the stored object is not a devflow-dr archive (bad magic)");
            }
            int version = data.readUnsignedShort();
            if (version != ArchiveFormat.VERSION) {
                throw new ArchiveIntegrityException(what + ": archive format version " + version
                        + " is not supported by this version of dr (it reads version " + ArchiveFormat.VERSION + ")");
            }
            int length = data.readInt();
            if (length <= 0 || length > ArchiveFormat.MAX_HEADER_BYTES) {
                throw new ArchiveIntegrityException(what + ": the archive header is damaged (length " + length + ")");
            }
            byte[] json = new byte[length];
            data.readFully(json);
            ObjectHeader header;
            try {
                header = JSON.readValue(json, ObjectHeader.class);
            } catch (JsonProcessingException e) {
                throw new ArchiveIntegrityException(what + ": the archive header is damaged (not JSON)");
            }
            ByteArrayOutputStream encoded = new ByteArrayOutputStream(length + 10);
            DataOutputStream out = new DataOutputStream(encoded);
            out.write(magic);
            out.writeShort(version);
            out.writeInt(length);
            out.write(json);
            return new Read(header, encoded.toByteArray());
        } catch (EOFException e) {
            throw new ArchiveIntegrityException(what + ": the stored object is truncated (it ends inside its header)");
        }
    }
}
