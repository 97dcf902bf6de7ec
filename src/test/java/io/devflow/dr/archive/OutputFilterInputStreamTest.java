package io.devflow.dr.archive;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputFilterInputStreamTest {

    private final byte[] data = randomBytes(300_000);

    @Test
    void shouldPassEveryByteThroughAnIdentityFilter() throws IOException {
        try (InputStream in = new OutputFilterInputStream(new ByteArrayInputStream(data), "identity", FilterOutputStream::new)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldServeOneByteAtATime() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new OutputFilterInputStream(new ByteArrayInputStream(data), "identity", FilterOutputStream::new)) {
            for (int b = in.read(); b != -1; b = in.read()) {
                out.write(b);
            }
        }

        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void shouldServeWhatAFilterOnlyEmitsWhenItIsClosed() throws IOException {
        try (InputStream in = new OutputFilterInputStream(new ByteArrayInputStream(data), "reversing", Reversing::new)) {
            byte[] reversed = in.readAllBytes();

            assertThat(reversed).hasSameSizeAs(data);
            for (int i = 0; i < data.length; i++) {
                assertThat(reversed[i]).isEqualTo(data[data.length - 1 - i]);
            }
        }
    }

    @Test
    void shouldProduceOutputAStandardDecoderReads() throws IOException {
        byte[] compressed;
        try (InputStream in = new OutputFilterInputStream(new ByteArrayInputStream(data), "gzip", GZIPOutputStream::new)) {
            compressed = in.readAllBytes();
        }

        try (InputStream decoded = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            assertThat(decoded.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void shouldGiveAnEmptySourceTheFiltersTrailerOnly() throws IOException {
        try (InputStream in = new OutputFilterInputStream(InputStream.nullInputStream(), "identity", FilterOutputStream::new)) {
            assertThat(in.read()).isEqualTo(-1);
        }
        try (InputStream in = new OutputFilterInputStream(InputStream.nullInputStream(), "gzip", GZIPOutputStream::new);
             InputStream decoded = new GZIPInputStream(new ByteArrayInputStream(in.readAllBytes()))) {
            assertThat(decoded.readAllBytes()).isEmpty();
        }
    }

    @Test
    void shouldNameTheStageWhenTheFilterCannotBeOpened() {
        OutputFilterInputStream.Filter refusing = sink -> {
            throw new GeneralSecurityException("no cipher");
        };

        assertThatThrownBy(() -> new OutputFilterInputStream(new ByteArrayInputStream(data), "encryption", refusing).read())
                .isInstanceOf(IOException.class)
                .hasMessage("cannot open the encryption stage")
                .hasRootCauseMessage("no cipher");
    }

    @Test
    void shouldCloseTheSource() throws IOException {
        boolean[] closed = {false};
        InputStream source = new ByteArrayInputStream(data) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        new OutputFilterInputStream(source, "identity", FilterOutputStream::new).close();

        assertThat(closed[0]).isTrue();
    }

    @Test
    void shouldReturnZeroForAZeroLengthRead() throws IOException {
        try (InputStream in = new OutputFilterInputStream(new ByteArrayInputStream(data), "identity", FilterOutputStream::new)) {
            assertThat(in.read(new byte[4], 0, 0)).isZero();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(3).nextBytes(bytes);
        return bytes;
    }

    /** Buffers everything and writes it reversed on close, like a filter that needs the whole input. */
    private static final class Reversing extends OutputStream {
        private final OutputStream sink;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        Reversing(OutputStream sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) {
            buffer.write(b);
        }

        @Override
        public void close() throws IOException {
            byte[] all = buffer.toByteArray();
            for (int i = all.length - 1; i >= 0; i--) {
                sink.write(all[i]);
            }
            sink.close();
        }
    }
}
