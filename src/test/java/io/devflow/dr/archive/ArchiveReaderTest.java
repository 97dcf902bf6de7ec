package io.devflow.dr.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.StreamingAead;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.support.StorageReadException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trip through every write stage and back, and the ways a stored object can be damaged or swapped. */
class ArchiveReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BACKUP_ID = "backup-full-20260125-020000-x7k2p9";
    private static final String CREATED_AT = "2026-01-25T02:00:00Z";
    private static final ArchiveReader.Expected EXPECTED = new ArchiveReader.Expected(BACKUP_ID, "mongodb", "us-east-1");

    private final Random random = new Random(20260125);
    private KeyMaterial key;
    private Map<String, List<byte[]>> sections;
    private Map<String, ObjectNode> metadata;
    private byte[] archive;
    private ArchiveSummary written;

    @BeforeEach
    void writeArchive() throws Exception {
        key = KeyMaterial.random();
        sections = new LinkedHashMap<>();
        metadata = new LinkedHashMap<>();
        sections.put("devflow.users", items(200, 2_000));
        sections.put("devflow.empty", List.of());
        List<byte[]> blobs = new ArrayList<>(items(5, 100));
        blobs.add(2, randomBytes(3 * 1024 * 1024 + 17));
        blobs.add(new byte[0]);
        sections.put("devflow.blobs", blobs);
        sections.put("audit.events", items(50, 300));
        sections.keySet().forEach(name -> metadata.put(name, JSON.createObjectNode().put("collection", name)
                .set("indexes", JSON.createArrayNode().add(JSON.createObjectNode().put("key", "email")))));

        FramingInputStream framing = ArchiveWriter.frame(new ListSource(records()), Progress.discarding());
        archive = write(framing, header(BACKUP_ID, "mongodb", "us-east-1"), key.streamingAead());
        assertThat(framing.isComplete()).isTrue();
        written = framing.summary();
    }

    @AfterEach
    void closeKey() {
        key.close();
    }

    @Test
    void shouldReadBackEveryItemAndSectionItWrote() throws Exception {
        Collector collector = new Collector();
        Progress progress = Progress.discarding();

        ArchiveReader.Result result = ArchiveReader.read(new ByteArrayInputStream(archive), EXPECTED, opener(key),
                progress, collector);

        assertThat(collector.items.keySet()).containsExactlyElementsOf(sections.keySet());
        sections.forEach((name, expected) -> {
            List<byte[]> actual = collector.items.get(name);
            assertThat(actual).as(name).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).as(name + " item " + i).isEqualTo(expected.get(i));
            }
        });
        assertThat(collector.metadata).isEqualTo(metadata);
        assertThat(collector.ends).isEqualTo(written.sections());
        assertThat(result.summary()).isEqualTo(written);
        assertThat(written.sections()).extracting(SectionSummary::name).containsExactlyElementsOf(sections.keySet());
        assertThat(written.sections()).filteredOn(s -> s.name().equals("devflow.empty")).singleElement()
                .isEqualTo(new SectionSummary("devflow.empty", 0, 0, Fingerprint.empty()));
        assertThat(written.sections()).filteredOn(s -> s.name().equals("devflow.blobs")).singleElement()
                .satisfies(s -> {
                    assertThat(s.items()).isEqualTo(7);
                    assertThat(s.fingerprint()).isEqualTo(fingerprint(sections.get("devflow.blobs")));
                });
        assertThat(written.items()).isEqualTo(257);
        assertThat(progress.items()).isEqualTo(written.items());
        assertThat(progress.bytes()).isEqualTo(written.bytes());
        assertThat(result.objectBytes()).isEqualTo(archive.length);
        assertThat(result.sha256()).isEqualTo(sha256(archive));
        assertThat(result.header()).isEqualTo(header(BACKUP_ID, "mongodb", "us-east-1"));
    }

    @Test
    void shouldReadTheSameItemsWhenZstdCompressedOnTheCallingThread() throws Exception {
        FramingInputStream framing = ArchiveWriter.frame(new ListSource(records()), Progress.discarding());
        byte[] singleThreaded = write(framing, header(BACKUP_ID, "mongodb", "us-east-1"), key.streamingAead(), 0);
        Collector collector = new Collector();

        ArchiveReader.Result result = ArchiveReader.read(new ByteArrayInputStream(singleThreaded), EXPECTED,
                opener(key), Progress.discarding(), collector);

        assertThat(result.summary()).isEqualTo(written);
        assertThat(collector.ends).isEqualTo(written.sections());
        assertThat(collector.items.get("devflow.blobs").get(2)).isEqualTo(sections.get("devflow.blobs").get(2));
    }

    @Test
    void shouldStartWithTheCleartextHeader() {
        byte[] header = header(BACKUP_ID, "mongodb", "us-east-1").encode();

        assertThat(Arrays.copyOf(archive, header.length)).isEqualTo(header);
        assertThat(new String(archive, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("DRBK");
    }

    @Test
    void shouldRefuseAFlippedByteInTheCiphertext() {
        int headerLength = header(BACKUP_ID, "mongodb", "us-east-1").encode().length;

        for (int position : new int[] {headerLength, headerLength + (archive.length - headerLength) / 2, archive.length - 1}) {
            byte[] tampered = archive.clone();
            tampered[position] ^= 0x01;

            assertIntegrityFailure(tampered, key).hasMessageContaining("failed authentication");
        }
    }

    @Test
    void shouldRefuseAnAlteredHeaderBecauseItIsTheAssociatedData() {
        byte[] tampered = archive.clone();
        int createdAt = indexOf(tampered, CREATED_AT.getBytes(StandardCharsets.US_ASCII));
        assertThat(createdAt).isPositive();
        tampered[createdAt + 9] = (byte) '6';

        assertIntegrityFailure(tampered, key).hasMessageContaining("failed authentication");
    }

    @Test
    void shouldRefuseAHeaderThatIsNoLongerJson() {
        byte[] tampered = archive.clone();
        tampered[10] ^= 0x01;

        assertIntegrityFailure(tampered, key).hasMessageContaining("header is damaged");
    }

    @Test
    void shouldRefuseAnObjectThatIsNotAnArchive() {
        byte[] tampered = archive.clone();
        tampered[0] = 'X';

        assertIntegrityFailure(tampered, key).hasMessageContaining("bad magic");
    }

    @Test
    void shouldRefuseATruncatedObject() {
        int headerLength = header(BACKUP_ID, "mongodb", "us-east-1").encode().length;

        assertIntegrityFailure(Arrays.copyOf(archive, archive.length - 100), key);
        assertIntegrityFailure(Arrays.copyOf(archive, headerLength), key);
        assertIntegrityFailure(Arrays.copyOf(archive, headerLength - 1), key).hasMessageContaining("truncated");
        assertIntegrityFailure(new byte[0], key).hasMessageContaining("truncated");
    }

    @Test
    void shouldRefuseBytesAppendedToTheObject() {
        byte[] longer = Arrays.copyOf(archive, archive.length + 32);
        System.arraycopy(randomBytes(32), 0, longer, archive.length, 32);

        assertIntegrityFailure(longer, key);
    }

    @Test
    void shouldRefuseToDecryptWithAnotherKey() {
        try (KeyMaterial other = KeyMaterial.random()) {
            assertIntegrityFailure(archive, other).hasMessageContaining("failed authentication");
        }
    }

    @Test
    void shouldRefuseAnObjectOfAnotherBackup() {
        String other = "backup-full-20260124-020000-abc123";

        assertThatThrownBy(() -> ArchiveReader.read(new ByteArrayInputStream(archive),
                new ArchiveReader.Expected(other, "mongodb", "us-east-1"), opener(key), Progress.discarding(), new Collector()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageStartingWith("backup " + other + ":")
                .hasMessageContaining("belongs to backup " + BACKUP_ID)
                .hasMessageContaining("objects were swapped");
        assertThatThrownBy(() -> ArchiveReader.read(new ByteArrayInputStream(archive),
                new ArchiveReader.Expected(BACKUP_ID, "mongodb", "us-west-2"), opener(key), Progress.discarding(), new Collector()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining("objects were swapped");
    }

    @Test
    void shouldReportAFailingStorageStreamAsAReadFailureNotAsDamage() {
        InputStream failing = new FailingInputStream(archive, archive.length / 2);

        assertThatThrownBy(() -> ArchiveReader.read(failing, EXPECTED, opener(key), Progress.discarding(), new Collector()))
                .isInstanceOf(StorageReadException.class)
                .isNotInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining("backup " + BACKUP_ID)
                .hasMessageContaining("connection reset by peer")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void shouldReportAStorageFailureInsideTheHeaderAsAReadFailure() {
        assertThatThrownBy(() -> ArchiveReader.read(new FailingInputStream(archive, 8), EXPECTED, opener(key),
                Progress.discarding(), new Collector()))
                .isInstanceOf(StorageReadException.class);
    }

    @Test
    void shouldPassTheVisitorsOwnFailureThroughUnchanged() {
        IllegalStateException databaseDown = new IllegalStateException("restore target refused the write");
        Collector failing = new Collector() {
            @Override
            public void item(byte[] bytes) {
                if (itemCount() == 3) {
                    throw databaseDown;
                }
                super.item(bytes);
            }
        };

        assertThatThrownBy(() -> ArchiveReader.read(new ByteArrayInputStream(archive), EXPECTED, opener(key),
                Progress.discarding(), failing))
                .isSameAs(databaseDown);
    }

    @Test
    void shouldWrapTheVisitorsIoFailureWithoutCallingItDamage() {
        IOException writeFailed = new IOException("restore target unreachable");
        ArchiveReader.Visitor failing = new ArchiveReader.Visitor() {
            @Override
            public void sectionStart(String name, ObjectNode metadata) throws IOException {
                throw writeFailed;
            }
        };

        assertThatThrownBy(() -> ArchiveReader.read(new ByteArrayInputStream(archive), EXPECTED, opener(key),
                Progress.discarding(), failing))
                .isExactlyInstanceOf(UncheckedIOException.class)
                .hasCause(writeFailed);
    }

    @Test
    void shouldReportAKeyThatCannotBeOpenedAsAnIntegrityFailure() {
        ArchiveReader.KeyOpener refusing = header -> {
            throw new GeneralSecurityException("no such key " + header.keyId());
        };

        assertThatThrownBy(() -> ArchiveReader.read(new ByteArrayInputStream(archive), EXPECTED, refusing,
                Progress.discarding(), new Collector()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining("backup " + BACKUP_ID)
                .hasMessageContaining("no such key local-test");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertIntegrityFailure(
            byte[] object, KeyMaterial readKey) {
        return assertThatThrownBy(() -> ArchiveReader.read(new ByteArrayInputStream(object), EXPECTED, opener(readKey),
                Progress.discarding(), new Collector()))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageStartingWith("backup " + BACKUP_ID + ":");
    }

    private List<SourceRecord> records() {
        List<SourceRecord> records = new ArrayList<>();
        sections.forEach((name, items) -> {
            records.add(new SourceRecord.SectionStart(name, metadata.get(name)));
            items.forEach(item -> records.add(new SourceRecord.Item(item)));
            records.add(new SourceRecord.SectionEnd());
        });
        return records;
    }

    private static byte[] write(FramingInputStream framing, ObjectHeader header, StreamingAead aead) throws IOException {
        return write(framing, header, aead, 2);
    }

    private static byte[] write(FramingInputStream framing, ObjectHeader header, StreamingAead aead, int workers)
            throws IOException {
        try (InputStream stored = ArchiveWriter.encrypt(ArchiveWriter.compress(framing, 3, workers), header, aead)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stored.transferTo(out);
            return out.toByteArray();
        }
    }

    private static ObjectHeader header(String backupId, String store, String region) {
        return new ObjectHeader(ArchiveFormat.VERSION, backupId, store, region, CREATED_AT, ArchiveFormat.COMPRESSION,
                ArchiveFormat.ENCRYPTION, "local", "local-test");
    }

    private static ArchiveReader.KeyOpener opener(KeyMaterial key) {
        return header -> key.streamingAead();
    }

    private List<byte[]> items(int count, int maxSize) {
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(randomBytes(random.nextInt(maxSize)));
        }
        return items;
    }

    private byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static Fingerprint fingerprint(List<byte[]> items) {
        Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();
        items.forEach(accumulator::add);
        return accumulator.fingerprint();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A record source over a list, as a data store's extractor would yield them. */
    static final class ListSource implements RecordSource {
        private final Iterator<SourceRecord> records;
        boolean closed;

        ListSource(List<SourceRecord> records) {
            this.records = records.iterator();
        }

        @Override
        public SourceRecord next() {
            return records.hasNext() ? records.next() : null;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static class Collector implements ArchiveReader.Visitor {
        final Map<String, List<byte[]>> items = new LinkedHashMap<>();
        final Map<String, ObjectNode> metadata = new LinkedHashMap<>();
        final List<SectionSummary> ends = new ArrayList<>();
        private List<byte[]> open;

        @Override
        public void sectionStart(String name, ObjectNode sectionMetadata) {
            open = new ArrayList<>();
            items.put(name, open);
            metadata.put(name, sectionMetadata);
        }

        @Override
        public void item(byte[] bytes) {
            open.add(bytes);
        }

        @Override
        public void sectionEnd(SectionSummary summary) {
            ends.add(summary);
            open = null;
        }

        int itemCount() {
            return items.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Serves the bytes, then fails the way a dropped connection does. */
    private static final class FailingInputStream extends InputStream {
        private final byte[] bytes;
        private final int failAt;
        private int position;

        FailingInputStream(byte[] bytes, int failAt) {
            this.bytes = bytes;
            this.failAt = failAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= failAt) {
                throw new IOException("connection reset by peer");
            }
            int n = Math.min(len, failAt - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }
}
