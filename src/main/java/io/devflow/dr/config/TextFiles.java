package io.devflow.dr.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small text files a configuration is made of (the file itself, secrets, PEM files), never more than a
 * bound: a setting that names {@code /dev/zero} or a multi-gigabyte file is refused instead of filling the heap.
 */
final class TextFiles {

    /** A file larger than its kind ever is. */
    static final class TooLargeException extends IOException {

        TooLargeException(Path file, int maxBytes) {
            super(file + " is larger than " + (maxBytes >= 1024 * 1024 ? maxBytes / (1024 * 1024) + " MiB"
                    : maxBytes / 1024 + " KiB"));
        }
    }

    private TextFiles() {
    }

    /**
     * The text of a file of at most {@code maxBytes} bytes.
     *
     * @throws java.nio.charset.CharacterCodingException when it is not text in {@code charset}
     * @throws TooLargeException when it is larger
     */
    static String read(Path file, int maxBytes, Charset charset) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new TooLargeException(file, maxBytes);
        }
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
