package io.devflow.dr.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.backup.BackupNotFoundException;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.support.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

class ApiErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiErrors errors = new ApiErrors();

    @Test
    void shouldAnswerWithTheStatusOfEachKindOfFailure() {
        assertThat(errors.status(new ApiException(401, "invalid bearer token"))).isEqualTo(401);
        assertThat(errors.status(new ApiException(409, "a backup is running"))).isEqualTo(409);
        assertThat(errors.status(new BackupNotFoundException("no backup x"))).isEqualTo(404);
        assertThat(errors.status(new InvalidRequestException("bad"))).isEqualTo(400);
        assertThat(errors.status(ConfigException.general("unknown region 'x'"))).isEqualTo(400);
        assertThat(errors.status(new IllegalStateException("bug"))).isEqualTo(500);
        assertThat(errors.status(new UncheckedIOException(new IOException("disk")))).isEqualTo(500);
    }

    @Test
    void shouldReturnTheMessageOfAClientError() throws Exception {
        JsonNode body = JSON.readTree(errors.body(new BackupNotFoundException("no backup backup-full-20260125-020000-x7k2p9")));

        assertThat(body.path("status").asInt()).isEqualTo(404);
        assertThat(body.path("error").asText()).isEqualTo("no backup backup-full-20260125-020000-x7k2p9");
    }

    @Test
    void shouldDescribeAServerErrorWithItsCause() throws Exception {
        JsonNode body = JSON.readTree(errors.body(new IllegalStateException("catalog unavailable",
                new IOException("connection refused"))));

        assertThat(body.path("status").asInt()).isEqualTo(500);
        assertThat(body.path("error").asText())
                .isEqualTo("internal error: catalog unavailable (connection refused) (details in the server log)");
    }
}
