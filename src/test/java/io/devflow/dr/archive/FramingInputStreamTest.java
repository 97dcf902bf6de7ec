package io.devflow.dr.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FramingInputStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldFrameRecordsAndSummariseEachSection() throws IOException {
        ArchiveReaderTest.ListSource source = new ArchiveReaderTest.ListSource(List.of(
                new SourceRecord.SectionStart("devflow.users", JSON.createObjectNode()),
                new SourceRecord.Item(new byte[] {1, 2, 3}),
                new SourceRecord.Item(new byte[] {4}),
                new SourceRecord.SectionEnd()));
        List<Integer> kinds = new ArrayList<>();

        try (FramingInputStream framing = ArchiveWriter.frame(source, Progress.discarding())) {
            DataInputStream in = new DataInputStream(framing);
            while (true) {
                int kind;
                try {
                    kind = in.readUnsignedByte();
                } catch (EOFException end) {
                    break;
                }
                in.readFully(new byte[in.readInt()]);
                kinds.add(kind);
            }
            assertThat(framing.isComplete()).isTrue();
            assertThat(framing.summary().sections()).singleElement().satisfies(s -> {
                assertThat(s.name()).isEqualTo("devflow.users");
                assertThat(s.items()).isEqualTo(2);
                assertThat(s.bytes()).isEqualTo(4);
            });
        }

        assertThat(kinds).containsExactly(1, 2, 3, 3, 4, 5);
        assertThat(source.closed).isTrue();
    }

    @Test
    void shouldRefuseAMalformedExtraction() {
        assertFramingFails(List.of(new SourceRecord.Item(new byte[1])), "item outside any section");
        assertFramingFails(List.of(new SourceRecord.SectionEnd()), "section end without a section");
        assertFramingFails(List.of(start("a"), start("b")), "section b opened inside a");
        assertFramingFails(List.of(start("a"), new SourceRecord.SectionEnd(), start("a")), "section a appears twice");
        assertFramingFails(List.of(start("a")), "extraction ended inside section a");
    }

    private static SourceRecord start(String name) {
        return new SourceRecord.SectionStart(name, JSON.createObjectNode());
    }

    private static void assertFramingFails(List<SourceRecord> records, String message) {
        InputStream framing = ArchiveWriter.frame(new ArchiveReaderTest.ListSource(records), Progress.discarding());

        assertThatThrownBy(framing::readAllBytes).isInstanceOf(IllegalStateException.class).hasMessage(message);
    }
}
