package io.devflow.dr.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.catalog.BackupNotFoundException;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.NotFoundException;
import io.devflow.dr.support.StateConflictException;
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
    void shouldAnswerNotFoundAndConflictForTheRequestsOfReplication() {
        assertThat(errors.status(new NotFoundException("no conflict conflict-20260127-103001-k3m9qz"))).isEqualTo(404);
        assertThat(errors.status(new StateConflictException("conflict is already resolved"))).isEqualTo(409);
    }

    @Test
    void shouldFindOurFailureInsideTheExceptionThatWrapsIt() throws Exception {
        RuntimeException notFound = new RuntimeException("bean invocation failed",
                new NotFoundException("no conflict conflict-20260127-103001-k3m9qz"));
        RuntimeException resolved = new RuntimeException("bean invocation failed",
                new StateConflictException("conflict conflict-20260127-103001-k3m9qz is already resolved"));

        assertThat(errors.status(notFound)).isEqualTo(404);
        assertThat(errors.status(resolved)).isEqualTo(409);
        assertThat(JSON.valueToTree(errors.body(resolved)).path("error").asText())
                .isEqualTo("conflict conflict-20260127-103001-k3m9qz is already resolved");
    }

    @Test
    void shouldReturnTheMessageOfAClientError() throws Exception {
        JsonNode body = JSON.valueToTree(errors.body(new BackupNotFoundException("no backup backup-full-20260125-020000-x7k2p9")));

        assertThat(body.path("status").asInt()).isEqualTo(404);
        assertThat(body.path("error").asText()).isEqualTo("no backup backup-full-20260125-020000-x7k2p9");
    }

    @Test
    void shouldDescribeAServerErrorWithItsCause() throws Exception {
        JsonNode body = JSON.valueToTree(errors.body(new IllegalStateException("catalog unavailable",
                new IOException("connection refused"))));

        assertThat(body.path("status").asInt()).isEqualTo(500);
        assertThat(body.path("error").asText())
                .isEqualTo("internal error: catalog unavailable (connection refused) (details in the server log)");
    }
}
