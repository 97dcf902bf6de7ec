package io.devflow.dr.api;

import io.devflow.dr.config.ApiRole;
import io.devflow.dr.config.ApiToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Bearer-token check of every API call (and of Jolokia): which named token the caller presented, and whether its
 * role allows the call. Tokens are compared as SHA-256 digests, all of them every time, in constant time, so neither
 * the answer's timing nor its content tells how much of a guess was right.
 */
public final class ApiSecurity {

    /** Who made a call: the token's name (what the audit log records) and its role. */
    public record Caller(String name, ApiRole role) {
    }

    private record Known(Caller caller, byte[] digest) {
    }

    private final List<Known> tokens;

    public ApiSecurity(List<ApiToken> tokens) {
        this.tokens = tokens.stream().map(t -> new Known(new Caller(t.name(), t.role()), digest(t.token().reveal()))).toList();
    }

    /**
     * The caller a call is made by, when its token's role allows what the call needs.
     *
     * @throws ApiException 401 without a valid token, 403 when the token's role is not enough
     */
    public Caller authorize(String authorization, ApiRole required) {
        Caller caller = authenticate(authorization);
        if (!caller.role().allows(required)) {
            throw new ApiException(403, "the token '" + caller.name() + "' has the role " + caller.role().id()
                    + "; this call needs " + required.id() + " or above");
        }
        return caller;
    }

    /**
     * The caller of a call the HTTP server has let through (it checked the role): the routes name it in what they
     * record.
     *
     * @throws ApiException 401 without a valid token
     */
    public Caller caller(String authorization) {
        return authenticate(authorization);
    }

    private Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(401, "missing credentials: send the header 'Authorization: Bearer <token>' with "
                    + "a token of disasterRecovery.api.tokens");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "unsupported authorization scheme: use 'Authorization: Bearer <token>'");
        }
        byte[] presented = digest(authorization.substring(7).strip());
        Caller match = null;
        for (Known known : tokens) {
            if (MessageDigest.isEqual(presented, known.digest()) & match == null) {
                match = known.caller();
            }
        }
        if (match == null) {
            throw new ApiException(401, "invalid bearer token");
        }
        return match;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
