package io.devflow.dr.support;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstantReaderTest {

    /** What reads instants without this reader: the JDK's parser through jackson-datatype-jsr310. */
    private static final ObjectMapper GENERAL = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

    @Test
    void shouldReadWhatTheGeneralParserReadsFromEveryCanonicalText() throws Exception {
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(Math.floorMod(random.nextLong(), YEAR_10000 + 62_167_219_200L)
                    - 62_167_219_200L, random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = DateTimeFormatter.ISO_INSTANT.format(instant);
            String padded = text.contains(".") ? text : text.replace("Z", ".000000000Z");

            assertThat(InstantReader.canonical(text)).as(text).isEqualTo(instant);
            assertThat(InstantReader.canonical(padded)).as(padded).isEqualTo(instant);
            assertThat(Json.MAPPER.readValue(quoted(text), Instant.class)).isEqualTo(general(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-10-01T00:00:30.5Z", "2026-10-01T00:00:30.000000001Z", "2024-02-29T23:59:59.999Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z"})
    void shouldReadEdgesOfTheCanonicalFormAsTheGeneralParserDoes(String text) throws Exception {
        assertThat(InstantReader.canonical(text)).isNotNull().isEqualTo(general(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-10-01T00:00:30", "2026-10-01T00:00:30.Z", "2026-10-01T00:00:30.1234567890Z",
            "2026-10-01 00:00:30Z", "2026-10-01t00:00:30z", "+202-10-01T00:00:30Z", "2026-1a-01T00:00:30Z",
            "2026-10-01T00:00:30+01:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-10-00T00:00:00Z", "2026-10-01T24:00:00Z", "2026-10-01T00:60:00Z", "2026-10-01T00:00:60Z",
            "2026-10-01T00:00:30.-5Z", "+12026-10-01T00:00:30Z", ""})
    void shouldLeaveEveryOtherTextToTheGeneralParser(String text) throws Exception {
        assertThat(InstantReader.canonical(text)).isNull();
        Instant general;
        try {
            general = general(text);
        } catch (InvalidFormatException refused) {
            assertThatThrownBy(() -> Json.MAPPER.readValue(quoted(text), Instant.class))
                    .isInstanceOf(InvalidFormatException.class);
            return;
        }
        assertThat(Json.MAPPER.readValue(quoted(text), Instant.class)).isEqualTo(general);
    }

    @Test
    void shouldReadEpochNumbersAsTheGeneralParserDoes() throws Exception {
        assertThat(Json.MAPPER.readValue("1790812800", Instant.class)).isEqualTo(Instant.ofEpochSecond(1_790_812_800L));
        assertThat(Json.MAPPER.readValue("1790812800.5", Instant.class))
                .isEqualTo(Instant.ofEpochSecond(1_790_812_800L, 500_000_000));
    }

    @Test
    void shouldBeTheReaderOfInstantsOfTheToolsMapper() throws Exception {
        assertThat(rootDeserializer(Json.MAPPER)).isInstanceOf(InstantReader.class);
    }

    private static JsonDeserializer<Object> rootDeserializer(ObjectMapper mapper) throws Exception {
        DeserializationConfig config = mapper.getDeserializationConfig();
        return ((DefaultDeserializationContext) mapper.getDeserializationContext()).createInstance(config, null, null)
                .findRootValueDeserializer(mapper.constructType(Instant.class));
    }

    private static Instant general(String text) throws Exception {
        return GENERAL.readValue(quoted(text), Instant.class);
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }
}
