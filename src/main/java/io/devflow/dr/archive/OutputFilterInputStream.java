package io.devflow.dr.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;

/**
 * Turns a push-style filter (an {@link OutputStream} decorator such as a compressor or Tink's encrypting
 * stream) into a pull-style {@link InputStream} over a source, on the caller's thread. Memory is bounded by
 * what the filter emits for one input chunk (at most one 1 MiB encryption segment), never by the data size.
 */
final class OutputFilterInputStream extends InputStream {

    /** Opens the filter over the sink it must write to. */
    interface Filter {
        OutputStream open(OutputStream sink) throws IOException, GeneralSecurityException;
    }

    private static final int CHUNK = 64 * 1024;

    private final InputStream source;
    private final String stage;
    private final Filter filterFactory;
    private final byte[] chunk = new byte[CHUNK];
    private final Buffer produced = new Buffer();
    private OutputStream filter;
    private int readPosition;
    private boolean sourceDone;

    OutputFilterInputStream(InputStream source, String stage, Filter filterFactory) {
        this.source = source;
        this.stage = stage;
        this.filterFactory = filterFactory;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (produced.size() == readPosition) {
            if (sourceDone) {
                return -1;
            }
            produced.reset();
            readPosition = 0;
            pump();
        }
        int n = Math.min(len, produced.size() - readPosition);
        System.arraycopy(produced.array(), readPosition, b, off, n);
        readPosition += n;
        return n;
    }

    private void pump() throws IOException {
        if (filter == null) {
            try {
                filter = filterFactory.open(produced);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot open the " + stage + " stage", e);
            }
        }
        int n = source.read(chunk);
        if (n < 0) {
            filter.close();
            sourceDone = true;
        } else if (n > 0) {
            filter.write(chunk, 0, n);
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    /** A byte buffer whose backing array can be read without copying. */
    private static final class Buffer extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }

        @Override
        public void close() {
            // the filter closes its sink when it finishes; the buffer stays readable
        }
    }
}
