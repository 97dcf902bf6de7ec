package io.devflow.dr.store.influxdb;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LineProtocolTest {

    @Test
    void shouldWriteEachFieldTypeInItsOwnSyntax() {
        String line = LineProtocol.line("cpu", Map.of("host", "a"), List.of(
                new LineProtocol.Field("usage", LineProtocol.FieldType.FLOAT, 0.5),
                new LineProtocol.Field("whole", LineProtocol.FieldType.FLOAT, 2L),
                new LineProtocol.Field("count", LineProtocol.FieldType.INTEGER, -3L),
                new LineProtocol.Field("state", LineProtocol.FieldType.STRING, "ok"),
                new LineProtocol.Field("up", LineProtocol.FieldType.BOOLEAN, true)), 1_700_000_000_000_000_001L);

        assertThat(line).isEqualTo("cpu,host=a usage=0.5,whole=2,count=-3i,state=\"ok\",up=true 1700000000000000001");
        assertThat(LineProtocol.timestamp(line)).isEqualTo(1_700_000_000_000_000_001L);
    }

    @Test
    void shouldEscapeNamesTagsAndStrings() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mount point", "/var,log=x");
        String line = LineProtocol.line("disk usage,total", tags, List.of(
                new LineProtocol.Field("note", LineProtocol.FieldType.STRING, "say \"hi\" \\ bye")), 5);

        assertThat(line).isEqualTo("disk\\ usage\\,total,mount\\ point=/var\\,log\\=x note=\"say \\\"hi\\\" \\\\ bye\" 5");
    }

    @Test
    void shouldLeaveOutEmptyTagsAndMissingFieldsAndPointsWithoutFields() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("host", "");
        tags.put("region", null);
        assertThat(LineProtocol.line("m", tags, List.of(new LineProtocol.Field("v", LineProtocol.FieldType.INTEGER, 1L),
                new LineProtocol.Field("w", LineProtocol.FieldType.FLOAT, null)), 7)).isEqualTo("m v=1i 7");
        assertThat(LineProtocol.line("m", Map.of(), List.of(), 7)).isNull();
    }
}
