package io.devflow.dr.api;

import io.devflow.dr.config.Secret;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiSecurityTest {

    private static final String TOKEN = "Zm9vYmFyLXRva2Vu-0123456789";

    private final ApiSecurity security = new ApiSecurity(Secret.literal("disasterRecovery.api.token", TOKEN));

    @Test
    void shouldAcceptTheConfiguredBearerToken() {
        assertThatCode(() -> security.authorize("Bearer " + TOKEN)).doesNotThrowAnyException();
        assertThatCode(() -> security.authorize("bearer " + TOKEN + " ")).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseMissingCredentials() {
        assertUnauthorized(null, "missing credentials");
        assertUnauthorized("", "missing credentials");
        assertUnauthorized("   ", "missing credentials");
    }

    @Test
    void shouldRefuseAnotherScheme() {
        assertUnauthorized("Basic dXNlcjpwYXNz", "unsupported authorization scheme");
        assertUnauthorized(TOKEN, "unsupported authorization scheme");
    }

    @Test
    void shouldRefuseAWrongToken() {
        assertUnauthorized("Bearer wrong", "invalid bearer token");
        assertUnauthorized("Bearer " + TOKEN.substring(1), "invalid bearer token");
        assertUnauthorized("Bearer " + TOKEN + "x", "invalid bearer token");
        assertUnauthorized("Bearer ", "invalid bearer token");
    }

    @Test
    void shouldReportAFailedCallOfACallerWithoutValidCredentialsAsUnauthorized() {
        ApiException badBody = new ApiException(400, "unknown field colour");

        assertThat(security.reported(badBody, "Bearer " + TOKEN)).isSameAs(badBody);
        assertThat(security.reported(badBody, null)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).startsWith("missing credentials");
        });
        assertThat(security.reported(badBody, "Bearer wrong")).hasMessage("invalid bearer token");
    }

    private void assertUnauthorized(String header, String message) {
        assertThatThrownBy(() -> security.authorize(header))
                .as(String.valueOf(header))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains(message).doesNotContain(TOKEN);
                });
    }
}
