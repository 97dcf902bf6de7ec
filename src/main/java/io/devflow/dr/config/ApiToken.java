package io.devflow.dr.config;

/**
 * A named bearer token of the HTTP API. The name is what the audit log records for every action taken with it.
 *
 * @param token {@code ${env:NAME}} or {@code ${file:/path}} (a file readable by its owner only), 32 characters
 *              or more
 */
public record ApiToken(String name, ApiRole role, Secret token) {

    /** The name the single {@code api.token} of earlier configurations is known by; it is an admin token. */
    public static final String LEGACY_NAME = "api";

    /** Fewer characters than this are refused: a token must not be guessable. */
    public static final int MIN_LENGTH = 32;
}
