package io.devflow.dr.api;

import io.devflow.dr.config.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Bearer-token check for every API call; health and metrics are served outside the API. */
public final class ApiSecurity {

    private final Secret token;

    public ApiSecurity(Secret token) {
        this.token = token;
    }

    public void authorize(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(401, "missing credentials: send the header 'Authorization: Bearer <token>' "
                    + "with the token configured at disasterRecovery.api.token");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "unsupported authorization scheme: use 'Authorization: Bearer <token>'");
        }
        byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        byte[] expected = token.reveal().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(presented, expected)) {
            throw new ApiException(401, "invalid bearer token");
        }
    }
}
