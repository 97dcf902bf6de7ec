package io.devflow.dr.api;

import io.devflow.dr.config.ApiRole;
import io.devflow.dr.config.ApiToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * Bearer-token check of every API call (and of Jolokia, which also takes the token as a Basic password): which named token the caller presented, and whether its
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
     * {@link #authorize} for Jolokia, which also takes HTTP Basic credentials whose password is the token: Hawtio
     * connects to a remote Jolokia only with a user name and password (and its proxy sends a bearer token on as the
     * user {@code token}). The user name is not checked; the token alone names the caller, as with a bearer token.
     */
    public Caller authorizeJolokia(String authorization, ApiRole required) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return authorize(authorization, required);
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(401, "malformed Basic credentials: send base64 of '<any name>:<token>', or "
                    + "'Authorization: Bearer <token>'");
        }
        int colon = credentials.indexOf(':');
        String token = colon < 0 ? "" : credentials.substring(colon + 1);
        if (token.isBlank()) {
            throw new ApiException(401, "Basic credentials without a password: the password is a token of "
                    + "disasterRecovery.api.tokens (any user name)");
        }
        return authorize("Bearer " + token, required);
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
