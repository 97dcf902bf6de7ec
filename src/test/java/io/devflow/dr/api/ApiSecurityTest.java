package io.devflow.dr.api;

import io.devflow.dr.config.ApiRole;
import io.devflow.dr.config.ApiToken;
import io.devflow.dr.config.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiSecurityTest {

    private static final String TOKEN = "Zm9vYmFyLXRva2Vu-0123456789abcdefghij";
    private static final String VIEWER = "dmlld2VyLXRva2Vu-0123456789abcdefghij";
    private static final String OPERATOR = "b3BlcmF0b3ItdG9r-0123456789abcdefghij";

    private final ApiSecurity security = new ApiSecurity(List.of(
            new ApiToken("api", ApiRole.ADMIN, Secret.literal("disasterRecovery.api.token", TOKEN)),
            new ApiToken("grafana", ApiRole.VIEWER, Secret.literal("disasterRecovery.api.tokens[0].token", VIEWER)),
            new ApiToken("ci", ApiRole.OPERATOR, Secret.literal("disasterRecovery.api.tokens[1].token", OPERATOR))));

    @Test
    void shouldAcceptTheConfiguredBearerToken() {
        assertThat(security.authorize("Bearer " + TOKEN, ApiRole.ADMIN)).isEqualTo(new ApiSecurity.Caller("api", ApiRole.ADMIN));
        assertThat(security.authorize("bearer " + TOKEN + " ", ApiRole.VIEWER).name()).isEqualTo("api");
    }

    @Test
    void shouldNameTheTokenACallWasMadeWith() {
        assertThat(security.caller("Bearer " + VIEWER)).isEqualTo(new ApiSecurity.Caller("grafana", ApiRole.VIEWER));
        assertThat(security.caller("Bearer " + OPERATOR)).isEqualTo(new ApiSecurity.Caller("ci", ApiRole.OPERATOR));
    }

    @Test
    void shouldLetEachRoleDoWhatTheRolesBelowItMay() {
        assertThat(security.authorize("Bearer " + OPERATOR, ApiRole.VIEWER).name()).isEqualTo("ci");
        assertThat(security.authorize("Bearer " + OPERATOR, ApiRole.OPERATOR).name()).isEqualTo("ci");
        assertForbidden("Bearer " + OPERATOR, ApiRole.ADMIN, "the token 'ci' has the role operator; this call needs admin");
        assertForbidden("Bearer " + VIEWER, ApiRole.OPERATOR, "the token 'grafana' has the role viewer; this call needs operator");
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
    void shouldTakeTheTokenAsTheBasicPasswordForJolokiaOnly() {
        String hawtio = "Basic " + basic("hawtio:" + VIEWER);

        assertThat(security.authorizeJolokia(hawtio, ApiRole.VIEWER)).isEqualTo(new ApiSecurity.Caller("grafana", ApiRole.VIEWER));
        assertThat(security.authorizeJolokia("basic " + basic("token:" + TOKEN), ApiRole.VIEWER).name()).isEqualTo("api");
        assertThat(security.authorizeJolokia("Bearer " + VIEWER, ApiRole.VIEWER).name()).isEqualTo("grafana");
        assertUnauthorized(hawtio, "unsupported authorization scheme");
    }

    @Test
    void shouldRefuseJolokiaBasicCredentialsWithoutAValidToken() {
        assertUnauthorizedJolokia("Basic " + basic("hawtio:wrong"), "invalid bearer token");
        assertUnauthorizedJolokia("Basic " + basic("hawtio:"), "without a password");
        assertUnauthorizedJolokia("Basic " + basic(VIEWER), "without a password");
        assertUnauthorizedJolokia("Basic not*base64", "malformed Basic credentials");
        assertUnauthorizedJolokia(null, "missing credentials");
        assertThatThrownBy(() -> security.authorizeJolokia("Basic " + basic("x:" + VIEWER), ApiRole.OPERATOR))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    private static String basic(String credentials) {
        return java.util.Base64.getEncoder().encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void assertUnauthorizedJolokia(String header, String message) {
        assertThatThrownBy(() -> security.authorizeJolokia(header, ApiRole.VIEWER))
                .as(String.valueOf(header))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains(message).doesNotContain(VIEWER);
                });
    }

    private void assertForbidden(String header, ApiRole role, String message) {
        assertThatThrownBy(() -> security.authorize(header, role)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.getMessage()).isEqualTo(message + " or above");
        });
    }

    private void assertUnauthorized(String header, String message) {
        assertThatThrownBy(() -> security.authorize(header, ApiRole.VIEWER))
                .as(String.valueOf(header))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains(message).doesNotContain(TOKEN);
                });
    }
}
