package io.devflow.dr.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The framing stage: pulls records from a {@link RecordSource} and yields the record stream of the archive
 * format, computing each section's count and fingerprint on the way. Holds one record at a time.
 */
public final class FramingInputStream extends InputStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordSource source;
    private final Progress progress;
    private final List<SectionSummary> sections = new ArrayList<>();
    private final Set<String> sectionNames = new HashSet<>();
    private final byte[] frameHeader = new byte[5];

    private byte[] payload = new byte[0];
    private int position = frameHeader.length;
    private boolean started;
    private boolean finished;
    private String openSection;
    private Fingerprint.Accumulator accumulator;

    public FramingInputStream(RecordSource source, Progress progress) {
        this.source = source;
        this.progress = progress;
    }

    /** Sections framed so far; complete once the stream has been read to its end. */
    public ArchiveSummary summary() {
        return new ArchiveSummary(sections);
    }

    public boolean isComplete() {
        return finished && position >= frameHeader.length + payload.length;
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
        int total = frameHeader.length + payload.length;
        while (position >= total) {
            if (finished) {
                return -1;
            }
            advance();
            total = frameHeader.length + payload.length;
        }
        int n = 0;
        if (position < frameHeader.length) {
            n = Math.min(len, frameHeader.length - position);
            System.arraycopy(frameHeader, position, b, off, n);
        } else {
            int p = position - frameHeader.length;
            n = Math.min(len, payload.length - p);
            System.arraycopy(payload, p, b, off, n);
        }
        position += n;
        return n;
    }

    private void advance() throws IOException {
        if (!started) {
            started = true;
            ObjectNode start = JSON.createObjectNode().put("formatVersion", ArchiveFormat.VERSION);
            frame(ArchiveFormat.STREAM_START, JSON.writeValueAsBytes(start));
            return;
        }
        SourceRecord record = source.next();
        if (record == null) {
            if (openSection != null) {
                throw new IllegalStateException("extraction ended inside section " + openSection);
            }
            ArchiveSummary summary = summary();
            ObjectNode end = JSON.createObjectNode()
                    .put("sections", sections.size())
                    .put("items", summary.items())
                    .put("bytes", summary.bytes());
            frame(ArchiveFormat.STREAM_END, JSON.writeValueAsBytes(end));
            finished = true;
            return;
        }
        if (record instanceof SourceRecord.SectionStart start) {
            startSection(start);
        } else if (record instanceof SourceRecord.Item item) {
            if (openSection == null) {
                throw new IllegalStateException("item outside any section");
            }
            accumulator.add(item.bytes());
            progress.item(item.bytes().length);
            frame(ArchiveFormat.ITEM, item.bytes());
        } else {
            endSection();
        }
    }

    private void startSection(SourceRecord.SectionStart start) throws IOException {
        if (openSection != null) {
            throw new IllegalStateException("section " + start.name() + " opened inside " + openSection);
        }
        if (!sectionNames.add(start.name())) {
            throw new IllegalStateException("section " + start.name() + " appears twice");
        }
        openSection = start.name();
        accumulator = new Fingerprint.Accumulator();
        progress.phase("extracting " + start.name());
        ObjectNode json = JSON.createObjectNode().put("name", start.name());
        json.set("metadata", start.metadata());
        frame(ArchiveFormat.SECTION_START, JSON.writeValueAsBytes(json));
    }

    private void endSection() throws IOException {
        if (openSection == null) {
            throw new IllegalStateException("section end without a section");
        }
        SectionSummary summary = new SectionSummary(openSection, accumulator.count(), accumulator.bytes(),
                accumulator.fingerprint());
        sections.add(summary);
        openSection = null;
        accumulator = null;
        frame(ArchiveFormat.SECTION_END, JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("items", summary.items())
                .put("bytes", summary.bytes())
                .put("fingerprint", summary.fingerprint().hex())));
    }

    private void frame(byte kind, byte[] bytes) {
        if (bytes.length > ArchiveFormat.MAX_RECORD_BYTES) {
            throw new IllegalStateException("record of " + bytes.length + " bytes exceeds the archive limit");
        }
        frameHeader[0] = kind;
        frameHeader[1] = (byte) (bytes.length >>> 24);
        frameHeader[2] = (byte) (bytes.length >>> 16);
        frameHeader[3] = (byte) (bytes.length >>> 8);
        frameHeader[4] = (byte) bytes.length;
        payload = bytes;
        position = 0;
    }

    @Override
    public void close() {
        source.close();
    }
}
