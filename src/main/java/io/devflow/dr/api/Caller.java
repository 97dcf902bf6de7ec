package io.devflow.dr.api;

/**
 * The answer to {@code GET /api/whoami}: the name and role of the token that made the call, so that a client (the
 * web console) offers only what the role allows. Never the token itself.
 */
public record Caller(String name, String role) {

    static Caller of(ApiSecurity.Caller caller) {
        return new Caller(caller.name(), caller.role().id());
    }
}
