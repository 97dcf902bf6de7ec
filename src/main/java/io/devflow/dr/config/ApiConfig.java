package io.devflow.dr.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP API of {@code dr server}.
 *
 * @param host address to listen on; loopback unless the configuration says otherwise
 * @param tls the HTTPS certificate and key; required to listen beyond loopback unless plaintext is allowed
 * @param allowPlaintext whether to listen beyond loopback without TLS (tokens then cross the network in clear)
 * @param tokens the bearer tokens the API accepts; the server refuses to start without one
 * @param allowedHosts host names besides loopback and {@code host} that requests to Jolokia may be addressed to
 */
public record ApiConfig(String host, int port, Optional<TlsConfig> tls, boolean allowPlaintext, List<ApiToken> tokens,
                        List<String> allowedHosts) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    public ApiConfig {
        tokens = List.copyOf(tokens);
        allowedHosts = List.copyOf(allowedHosts);
    }

    public static ApiConfig defaults() {
        return new ApiConfig(DEFAULT_HOST, DEFAULT_PORT, Optional.empty(), false, List.of(), List.of());
    }

    /** The single {@code api.token} of earlier configurations, when that is how the token is given. */
    public Optional<Secret> token() {
        return tokens.stream().filter(t -> t.name().equals(ApiToken.LEGACY_NAME)).map(ApiToken::token).findFirst();
    }

    public boolean tlsEnabled() {
        return tls.isPresent();
    }

    /** Whether only this machine can reach the API: the host is a loopback name or address. */
    public boolean loopbackOnly() {
        return isLoopback(host);
    }

    /** Whether a host name or address is this machine's loopback: {@code localhost}, 127.0.0.0/8, ::1. */
    public static boolean isLoopback(String host) {
        if (LOOPBACK_NAMES.contains(host)) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:\\[\\]]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** How a caller reaches the API: scheme, host and port, for messages and the OpenAPI document. */
    public String baseUrl() {
        String scheme = tlsEnabled() ? "https" : "http";
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        return scheme + "://" + shown + ":" + port;
    }
}
