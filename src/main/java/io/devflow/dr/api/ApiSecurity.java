package io.devflow.dr.api;

import io.devflow.dr.config.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Bearer-token check for every API call; health and metrics are served outside the API. */
public final class ApiSecurity {

    private final Secret token;

    public ApiSecurity(Secret token) {
        this.token = token;
    }

    public void authorize(String authorization) {
        Optional<ApiException> refusal = refusal(authorization);
        if (refusal.isPresent()) {
            throw refusal.get();
        }
    }

    /**
     * The failure to answer a failed call with: a caller without valid credentials hears only that. The JSON
     * binding reads a request body before the call's route checks the token, so a body it cannot read fails first.
     */
    public Throwable reported(Throwable failure, String authorization) {
        return refusal(authorization).<Throwable>map(r -> r).orElse(failure);
    }

    private Optional<ApiException> refusal(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.of(new ApiException(401, "missing credentials: send the header 'Authorization: Bearer "
                    + "<token>' with the token configured at disasterRecovery.api.token"));
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(new ApiException(401,
                    "unsupported authorization scheme: use 'Authorization: Bearer <token>'"));
        }
        byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        byte[] expected = token.reveal().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, expected)) {
            return Optional.of(new ApiException(401, "invalid bearer token"));
        }
        return Optional.empty();
    }
}
