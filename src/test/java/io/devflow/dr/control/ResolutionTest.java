package io.devflow.dr.control;

import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolutionTest {

    @Test
    void shouldTakeTheSourceOrTheTargetVersion() {
        assertThat(Resolution.parse("source")).isEqualTo(new Resolution(Decision.SOURCE, null));
        assertThat(Resolution.parse("target")).isEqualTo(new Resolution(Decision.TARGET, null));
        assertThat(Resolution.parse("  target\n")).isEqualTo(new Resolution(Decision.TARGET, null));
    }

    @Test
    void shouldTakeAJsonObjectAsTheOperatorsOwnVersion() throws Exception {
        Resolution resolution = Resolution.parse(" {\"_id\": 7, \"name\": \"merged\", \"tags\": [\"a\", \"b\"]} ");

        assertThat(resolution.decision()).isEqualTo(Decision.CUSTOM);
        assertThat(resolution.custom()).isEqualTo(Json.MAPPER.readTree("{\"_id\":7,\"name\":\"merged\",\"tags\":[\"a\",\"b\"]}"));
    }

    @Test
    void shouldNameTheChoicesForAnythingElse() {
        assertRefused("Source", "resolve a conflict with source, target or a JSON object of the record, not 'Source'");
        assertRefused("theirs", "resolve a conflict with source, target or a JSON object of the record, not 'theirs'");
        assertRefused("[{\"_id\": 7}]", "resolve a conflict with source, target or a JSON object of the record, "
                + "not '[{\"_id\": 7}]'");
        assertRefused("", "resolve a conflict with source, target or a JSON object of the record, not ''");
        assertRefused(null, "resolve a conflict with source, target or a JSON object of the record, not ''");
    }

    @Test
    void shouldShortenALongRefusedValue() {
        String text = "x".repeat(100);

        assertRefused(text, "resolve a conflict with source, target or a JSON object of the record, not '"
                + "x".repeat(40) + "...'");
    }

    @Test
    void shouldSayWhereInvalidJsonBreaks() {
        assertThatThrownBy(() -> Resolution.parse("{\"name\": \"merged\",\n \"count\": }"))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("the resolution is not valid JSON: line 2, column ");
        assertThatThrownBy(() -> Resolution.parse("{\"name\": "))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("the resolution is not valid JSON: line 1");
    }

    @Test
    void shouldRefuseTextAfterTheObjectRatherThanDropIt() {
        assertThatThrownBy(() -> Resolution.parse("{\"qty\": 3} {\"qty\": 4}"))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessage("the resolution is not valid JSON: line 1, column 13: unexpected text after the JSON value");
        assertThatThrownBy(() -> Resolution.parse("{\"qty\": 3} garbage"))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("the resolution is not valid JSON: line 1, column ");
    }

    @Test
    void shouldRefuseJsonNestedBeyondTheReadersLimit() {
        assertThatThrownBy(() -> Resolution.parse("{\"a\":".repeat(1_500)))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessage("the resolution is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed "
                        + "(1000)");
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> Resolution.parse(text))
                .as(String.valueOf(text))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }
}
