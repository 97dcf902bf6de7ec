package io.devflow.dr.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code disasterRecovery.api}: where the API listens, its TLS material and its tokens. What can be told
 * from the file alone is checked here (an unencrypted listener beyond loopback, a token written into the file);
 * what needs the secrets (their length, a token file's mode, the PEM files) is checked by {@link ConfigChecks}.
 */
final class ApiReader {

    private static final Pattern TOKEN_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private ApiReader() {
    }

    static ApiConfig read(JsonObjectReader dr) {
        return dr.object("api", false).map(ApiReader::readApi).orElse(ApiConfig.defaults());
    }

    private static ApiConfig readApi(JsonObjectReader a) {
        String host = a.string("host", ApiConfig.DEFAULT_HOST);
        int port = a.integer("port", ApiConfig.DEFAULT_PORT, 1, 65535);
        boolean allowPlaintext = a.bool("allowPlaintext", false);
        Optional<TlsConfig> tls = a.object("tls", false).flatMap(t -> {
            Optional<Secret> certificate = t.secret("certificate", true, Secret::fullyMasked);
            Optional<Secret> key = t.secret("key", true, Secret::fullyMasked);
            t.rejectUnknown();
            return certificate.isPresent() && key.isPresent()
                    ? Optional.of(new TlsConfig(certificate.get(), key.get())) : Optional.empty();
        });
        if (tls.isEmpty() && !allowPlaintext && !ApiConfig.isLoopback(host) && !a.has("tls")) {
            a.problem("tls", "required when the API listens on " + host + " (beyond this machine): set api.tls."
                    + "certificate and api.tls.key (PEM), or set api.allowPlaintext to true to send tokens unencrypted");
        }
        List<ApiToken> tokens = new ArrayList<>();
        a.secret("token", false, Secret::fullyMasked).ifPresent(secret -> {
            requireReference(a, "token", secret);
            tokens.add(new ApiToken(ApiToken.LEGACY_NAME, ApiRole.ADMIN, secret));
        });
        tokens.addAll(readTokens(a));
        Set<String> names = new HashSet<>();
        for (ApiToken token : tokens) {
            if (!names.add(token.name())) {
                a.problem("tokens", "the name '" + token.name() + "' is used twice"
                        + (token.name().equals(ApiToken.LEGACY_NAME) ? " (api.token is the admin token named 'api')" : ""));
            }
        }
        List<String> allowedHosts = a.strings("allowedHosts");
        a.rejectUnknown();
        return new ApiConfig(host, port, tls, allowPlaintext, tokens, allowedHosts);
    }

    private static List<ApiToken> readTokens(JsonObjectReader a) {
        List<ApiToken> tokens = new ArrayList<>();
        List<JsonObjectReader> entries = a.array("tokens");
        for (JsonObjectReader t : entries) {
            Optional<String> name = Optional.ofNullable(t.string("name", null)).filter(n -> {
                if (!TOKEN_NAME.matcher(n).matches()) {
                    t.problem("name", "'" + n + "' is not a token name: lower-case letters, digits, '.', '_' and '-'");
                    return false;
                }
                return true;
            });
            Optional<ApiRole> role = Optional.ofNullable(t.string("role", null)).flatMap(r -> {
                Optional<ApiRole> parsed = ApiRole.parse(r);
                if (parsed.isEmpty()) {
                    t.problem("role", "'" + r + "' is not a role; roles are " + ApiRole.names());
                }
                return parsed;
            });
            Optional<Secret> secret = t.secret("token", true, Secret::fullyMasked);
            secret.ifPresent(s -> requireReference(t, "token", s));
            t.rejectUnknown();
            if (name.isPresent() && role.isPresent() && secret.isPresent()) {
                tokens.add(new ApiToken(name.get(), role.get(), secret.get()));
            }
        }
        return tokens;
    }

    /** A token written into the file travels with every copy of it (ConfigMaps, repositories): refused. */
    private static void requireReference(JsonObjectReader reader, String key, Secret secret) {
        if (!secret.isReference()) {
            reader.problem(key, "write the token as ${env:NAME} or ${file:/path}, not into the configuration file");
        }
    }
}
