package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.support.Json;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * An extraction saved to local files, so the archive stages can be measured on exactly the bytes the
 * MongoDB extractor yields, without the database. A directory holds {@code sections.json} (each section's
 * name, metadata and item count, in order) and per section a {@code <name>.bson} file: the raw BSON
 * documents back to back, as {@code mongodump} writes them. A BSON document starts with its own
 * little-endian int32 length, so the file needs no framing of its own.
 */
final class DumpFile {

    private static final String INDEX = "sections.json";
    private static final int BUFFER = 1 << 20;

    private DumpFile() {
    }

    /** Drains {@code source} into {@code directory}; returns the number of items written. */
    static long write(RecordSource source, Path directory) throws IOException {
        Files.createDirectories(directory);
        ArrayNode sections = Json.MAPPER.createArrayNode();
        long total = 0;
        ObjectNode section = null;
        OutputStream out = null;
        long items = 0;
        try {
            for (SourceRecord record = source.next(); record != null; record = source.next()) {
                if (record instanceof SourceRecord.SectionStart start) {
                    section = sections.addObject().put("name", start.name());
                    section.set("metadata", start.metadata());
                    out = new BufferedOutputStream(Files.newOutputStream(directory.resolve(start.name() + ".bson")), BUFFER);
                    items = 0;
                } else if (record instanceof SourceRecord.Item item) {
                    out.write(item.bytes());
                    items++;
                } else {
                    out.close();
                    out = null;
                    section.put("items", items);
                    total += items;
                }
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
        Files.write(directory.resolve(INDEX), Json.bytes(sections));
        return total;
    }

    /** Replays a dump as the extractor would yield it: section start, its documents, section end. */
    static RecordSource read(Path directory) throws IOException {
        return new Replay(directory, Json.MAPPER.readTree(directory.resolve(INDEX).toFile()).iterator());
    }

    private static final class Replay implements RecordSource {

        private final Path directory;
        private final Iterator<JsonNode> sections;
        private JsonNode section;
        private DataInputStream in;
        private long remaining;

        Replay(Path directory, Iterator<JsonNode> sections) {
            this.directory = directory;
            this.sections = sections;
        }

        @Override
        public SourceRecord next() throws IOException {
            if (in == null) {
                if (!sections.hasNext()) {
                    return null;
                }
                section = sections.next();
                String name = section.get("name").asText();
                InputStream file = Files.newInputStream(directory.resolve(name + ".bson"));
                in = new DataInputStream(new BufferedInputStream(file, BUFFER));
                remaining = section.get("items").asLong();
                return new SourceRecord.SectionStart(name, (ObjectNode) section.get("metadata"));
            }
            if (remaining == 0) {
                close();
                return new SourceRecord.SectionEnd();
            }
            remaining--;
            return new SourceRecord.Item(document());
        }

        private byte[] document() throws IOException {
            try {
                int length = Integer.reverseBytes(in.readInt());
                byte[] bytes = new byte[length];
                bytes[0] = (byte) length;
                bytes[1] = (byte) (length >>> 8);
                bytes[2] = (byte) (length >>> 16);
                bytes[3] = (byte) (length >>> 24);
                in.readFully(bytes, 4, length - 4);
                return bytes;
            } catch (EOFException e) {
                throw new IOException("dump of " + section.get("name").asText() + " ends " + remaining
                        + " documents early", e);
            }
        }

        @Override
        public void close() {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                in = null;
            }
        }
    }
}
