package io.devflow.dr.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The mapper of the REST binding: strict about what callers send, and answers written as the rest of the tool's JSON. */
class ApiJsonTest {

    private final ApiErrors errors = new ApiErrors();

    @Test
    void shouldNameEveryUnknownFieldOfABody() {
        assertBadRequest(() -> read("{\"dryRun\": true, \"force\": true}", RetentionRequest.class),
                "unknown field force; a retention request has only dryRun");
        assertBadRequest(() -> read("{\"colour\": \"red\", \"store\": \"redis\", \"size\": {\"x\": [1]}}", ReplicationChange.class),
                "unknown fields colour, size in a replication request; fields are store");
        assertBadRequest(() -> read("{\"type\": \"full\", \"when\": [\"now\"], \"why\": null}", BackupRequestBody.class),
                "unknown field(s) when, why; a backup request has type, store and region");
    }

    @Test
    void shouldRefuseABodyThatIsNotJson() {
        assertBadRequest(() -> read("{\"dryRun\": tru}", RetentionRequest.class), "the request body is not valid JSON: ");
        assertBadRequest(() -> read("{\"dryRun\": true", RetentionRequest.class), "the request body is not valid JSON: ");
        assertBadRequest(() -> read("{\"dryRun\": true} {}", RetentionRequest.class),
                "the request body is not valid JSON: unexpected text after the JSON value");
        assertBadRequest(() -> read("[true]", RetentionRequest.class),
                "the request body must be a JSON object such as {\"dryRun\": true}");
    }

    @Test
    void shouldRefuseAValueOfAnotherTypeRatherThanConvertIt() {
        for (String dryRun : new String[] {"\"true\"", "1", "{}"}) {
            assertBadRequest(() -> read("{\"dryRun\": " + dryRun + "}", RetentionRequest.class),
                    "dryRun must be true or false");
        }
        for (String type : new String[] {"1", "1.5", "true", "[\"full\"]"}) {
            assertBadRequest(() -> read("{\"type\": " + type + "}", BackupRequestBody.class), "type must be a string");
        }
    }

    @Test
    void shouldReadAFieldThatIsNotSentOrNullAsItsDefault() throws Exception {
        assertThat(read("{}", RetentionRequest.class)).isEqualTo(new RetentionRequest(null));
        assertThat(read("{\"dryRun\": null}", RetentionRequest.class)).isEqualTo(new RetentionRequest(null));
        assertThat(read("{\"store\": null}", ReplicationChange.class)).isEqualTo(new ReplicationChange(null));
    }

    @Test
    void shouldWriteAnAnswerThatReadsBackAsTheSameValue() throws Exception {
        BackupAccepted accepted = new BackupAccepted("backup-full-20260125-020000-x7k2p9", "running", "full", "mongodb",
                "us-east-1", Instant.parse("2026-01-25T02:00:00.123456Z"), "/api/backups/backup-full-20260125-020000-x7k2p9");

        String written = ApiJson.MAPPER.writeValueAsString(accepted);

        JsonNode json = ApiJson.MAPPER.readTree(written);
        assertThat(json.path("startedAt").isTextual()).isTrue();
        assertThat(json.path("startedAt").asText()).isEqualTo("2026-01-25T02:00:00.123456Z");
        assertThat(json.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("id", "status", "type", "store", "region", "startedAt", "self");
        assertThat(ApiJson.MAPPER.readValue(written, BackupAccepted.class)).isEqualTo(accepted);
    }

    @Test
    void shouldLeaveOutWhatIsNotThere() throws Exception {
        JsonNode json = ApiJson.MAPPER.valueToTree(new ReplicationChange(null));

        assertThat(json.isEmpty()).isTrue();
    }

    private static <T> T read(String body, Class<T> type) throws Exception {
        return ApiJson.MAPPER.readValue(body, type);
    }

    private void assertBadRequest(ThrowingCallable call, String message) {
        Throwable failure = catchThrowable(call);

        assertThat(failure).as(message).isNotNull();
        assertThat(errors.status(failure)).as(failure.toString()).isEqualTo(400);
        assertThat(errors.body(failure).error()).startsWith(message);
    }
}
