package io.devflow.dr.archive;

import com.github.luben.zstd.ZstdOutputStream;
import com.google.crypto.tink.StreamingAead;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * The write stages of the archive, each a lazy transformation of a stream into the next: nothing is read
 * until the upload pulls, so the whole pipeline runs in the uploader's thread with bounded memory.
 */
public final class ArchiveWriter {

    private ArchiveWriter() {
    }

    public static FramingInputStream frame(RecordSource source, Progress progress) {
        return new FramingInputStream(source, progress);
    }

    /**
     * zstd at {@code level}; with {@code workers > 0}, zstd compresses on that many native threads of its own
     * while the calling thread frames and encrypts. The output is one standard zstd frame either way.
     */
    public static InputStream compress(InputStream framed, int level, int workers) {
        return new OutputFilterInputStream(framed, "compression", sink -> {
            ZstdOutputStream zstd = new ZstdOutputStream(sink, level);
            if (workers > 0) {
                zstd.setWorkers(workers);
            }
            return zstd;
        });
    }

    /** The object header followed by the Tink ciphertext whose associated data is that header. */
    public static InputStream encrypt(InputStream compressed, ObjectHeader header, StreamingAead aead) {
        byte[] encodedHeader = header.encode();
        InputStream ciphertext = new OutputFilterInputStream(compressed, "encryption",
                sink -> aead.newEncryptingStream(sink, encodedHeader));
        return new SequenceInputStream(new ByteArrayInputStream(encodedHeader), ciphertext);
    }
}
