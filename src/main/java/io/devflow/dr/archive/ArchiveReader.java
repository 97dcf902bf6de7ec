package io.devflow.dr.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import com.google.crypto.tink.StreamingAead;
import io.devflow.dr.support.StorageReadException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Reads a stored archive object in one streaming pass: checks the header against the manifest, decrypts
 * (which authenticates every segment and detects truncation), decompresses, checks the record structure
 * and recomputes every section's count and fingerprint, while hashing the object for its SHA-256.
 */
public final class ArchiveReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives the archive's content; all methods are optional. */
    public interface Visitor {
        default void sectionStart(String name, ObjectNode metadata) throws IOException {
        }

        default void item(byte[] bytes) throws IOException {
        }

        default void sectionEnd(SectionSummary summary) throws IOException {
        }
    }

    /** Produces the decryption primitive for the object, from the manifest's wrapped key. */
    public interface KeyOpener {
        StreamingAead open(ObjectHeader header) throws GeneralSecurityException;
    }

    /** What the manifest says the object is. */
    public record Expected(String backupId, String store, String region) {
    }

    public record Result(ObjectHeader header, ArchiveSummary summary, long objectBytes, String sha256) {
    }

    private ArchiveReader() {
    }

    public static Result read(InputStream object, Expected expected, KeyOpener keys, Progress progress,
                              Visitor visitor) throws IOException {
        String what = "backup " + expected.backupId();
        HashingInputStream hashing = new HashingInputStream(object, what);
        ObjectHeader.Read header = ObjectHeader.read(hashing, what);
        checkHeader(header.header(), expected, what);
        StreamingAead aead;
        try {
            aead = keys.open(header.header());
        } catch (GeneralSecurityException e) {
            throw new ArchiveIntegrityException(what + ": cannot set up decryption: " + e.getMessage(), e);
        }
        GuardedVisitor guarded = new GuardedVisitor(visitor);
        ArchiveSummary summary;
        try (InputStream plain = aead.newDecryptingStream(hashing, header.encoded());
             InputStream decompressed = new ZstdInputStream(plain)) {
            summary = readRecords(new DataInputStream(decompressed), what, progress, guarded);
            if (decompressed.read() != -1) {
                throw new ArchiveIntegrityException(what + ": the archive has data after its end record");
            }
            byte[] rest = new byte[8192];
            while (plain.read(rest) != -1) {
                // Reading the decryption to its end authenticates the final segment (detects truncation).
            }
            hashing.drain();
        } catch (GuardedVisitor.Failure e) {
            throw e.unwrap();
        } catch (StorageReadException | ArchiveIntegrityException e) {
            throw e;
        } catch (IOException | GeneralSecurityException e) {
            throw new ArchiveIntegrityException(what + ": the stored object failed authentication: it was "
                    + "tampered with, truncated, or encrypted under another key (" + firstLine(e.getMessage()) + ")", e);
        }
        return new Result(header.header(), summary, hashing.count(), hashing.sha256());
    }

    /** Tink's messages continue with lines of internal state that mean nothing to an operator. */
    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private static void checkHeader(ObjectHeader header, Expected expected, String what) {
        if (!Objects.equals(header.backupId(), expected.backupId())
                || !Objects.equals(header.store(), expected.store())
                || !Objects.equals(header.region(), expected.region())) {
            throw new ArchiveIntegrityException(what + ": the stored object belongs to backup " + header.backupId()
                    + " (" + header.store() + ", " + header.region() + "), not to this manifest: objects were swapped");
        }
    }

    private static ArchiveSummary readRecords(DataInputStream in, String what, Progress progress, Visitor visitor)
            throws IOException {
        List<SectionSummary> sections = new ArrayList<>();
        expectStreamStart(in, what);
        String open = null;
        Fingerprint.Accumulator accumulator = null;
        while (true) {
            int kind;
            byte[] payload;
            try {
                kind = in.readUnsignedByte();
                int length = in.readInt();
                if (length < 0 || length > ArchiveFormat.MAX_RECORD_BYTES) {
                    throw new ArchiveIntegrityException(what + ": damaged record length " + length);
                }
                payload = new byte[length];
                in.readFully(payload);
            } catch (EOFException e) {
                throw new ArchiveIntegrityException(what + ": the archive ends before its end record (truncated)");
            }
            switch (kind) {
                case ArchiveFormat.SECTION_START -> {
                    if (open != null) {
                        throw new ArchiveIntegrityException(what + ": section opened inside section " + open);
                    }
                    JsonNode json = JSON.readTree(payload);
                    open = json.path("name").asText();
                    accumulator = new Fingerprint.Accumulator();
                    progress.phase("reading " + open);
                    visitor.sectionStart(open, json.get("metadata") instanceof ObjectNode m ? m : JSON.createObjectNode());
                }
                case ArchiveFormat.ITEM -> {
                    if (open == null) {
                        throw new ArchiveIntegrityException(what + ": item outside any section");
                    }
                    accumulator.add(payload);
                    progress.item(payload.length);
                    visitor.item(payload);
                }
                case ArchiveFormat.SECTION_END -> {
                    if (open == null) {
                        throw new ArchiveIntegrityException(what + ": section end without a section");
                    }
                    JsonNode json = JSON.readTree(payload);
                    SectionSummary computed = new SectionSummary(open, accumulator.count(), accumulator.bytes(),
                            accumulator.fingerprint());
                    if (json.path("items").asLong(-1) != computed.items()
                            || !computed.fingerprint().hex().equals(json.path("fingerprint").asText())) {
                        throw new ArchiveIntegrityException(what + ": section " + open + " does not match its own "
                                + "end record (" + computed.items() + " items read)");
                    }
                    sections.add(computed);
                    visitor.sectionEnd(computed);
                    open = null;
                }
                case ArchiveFormat.STREAM_END -> {
                    if (open != null) {
                        throw new ArchiveIntegrityException(what + ": the archive ends inside section " + open);
                    }
                    ArchiveSummary summary = new ArchiveSummary(sections);
                    JsonNode json = JSON.readTree(payload);
                    if (json.path("items").asLong(-1) != summary.items() || json.path("sections").asInt(-1) != sections.size()) {
                        throw new ArchiveIntegrityException(what + ": the end record does not match the archive's content");
                    }
                    return summary;
                }
                default -> throw new ArchiveIntegrityException(what + ": unknown record kind " + kind);
            }
        }
    }

    private static void expectStreamStart(DataInputStream in, String what) throws IOException {
        try {
            int kind = in.readUnsignedByte();
            int length = in.readInt();
            if (kind != ArchiveFormat.STREAM_START || length < 0 || length > ArchiveFormat.MAX_HEADER_BYTES) {
                throw new ArchiveIntegrityException(what + ": the archive does not begin with a start record");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            int version = JSON.readTree(payload).path("formatVersion").asInt(-1);
            if (version != ArchiveFormat.VERSION) {
                throw new ArchiveIntegrityException(what + ": record stream version " + version + " is not supported");
            }
        } catch (EOFException e) {
            throw new ArchiveIntegrityException(what + ": the archive is empty or truncated");
        }
    }

    /** Counts and hashes the object as it streams by; turns its read failures into StorageReadException. */
    private static final class HashingInputStream extends FilterInputStream {
        private final MessageDigest sha256;
        private final String what;
        private long count;

        HashingInputStream(InputStream in, String what) {
            super(in);
            this.what = what;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new StorageReadException(what + ": reading the stored object failed: " + e.getMessage(), e);
            }
            if (n > 0) {
                sha256.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) {
            throw new UnsupportedOperationException("every byte is hashed; skipping is not allowed");
        }

        void drain() {
            byte[] buffer = new byte[8192];
            while (read(buffer, 0, buffer.length) != -1) {
                // hash whatever the decryption did not need to read
            }
        }

        long count() {
            return count;
        }

        String sha256() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    /** Keeps the visitor's own failures (a database write, say) from being mistaken for archive damage. */
    private static final class GuardedVisitor implements Visitor {
        private final Visitor delegate;

        GuardedVisitor(Visitor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void sectionStart(String name, ObjectNode metadata) {
            guard(() -> delegate.sectionStart(name, metadata));
        }

        @Override
        public void item(byte[] bytes) {
            guard(() -> delegate.item(bytes));
        }

        @Override
        public void sectionEnd(SectionSummary summary) {
            guard(() -> delegate.sectionEnd(summary));
        }

        private interface Call {
            void run() throws IOException;
        }

        private static void guard(Call call) {
            try {
                call.run();
            } catch (IOException | RuntimeException e) {
                throw new Failure(e);
            }
        }

        static final class Failure extends RuntimeException {
            Failure(Exception cause) {
                super(cause);
            }

            RuntimeException unwrap() {
                return getCause() instanceof RuntimeException r ? r : new java.io.UncheckedIOException((IOException) getCause());
            }
        }
    }
}
