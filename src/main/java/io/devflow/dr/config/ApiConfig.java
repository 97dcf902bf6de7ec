package io.devflow.dr.config;

import java.util.Optional;

/**
 * The HTTP API of {@code dr server}.
 *
 * @param token bearer token every API call but health must present; the server refuses to start without it
 */
public record ApiConfig(String host, int port, Optional<Secret> token) {
}
