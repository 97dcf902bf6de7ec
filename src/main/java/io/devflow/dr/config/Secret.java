package io.devflow.dr.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A configuration value that must never be printed or logged: a password, token, key or a URL with
 * credentials. Written in the configuration either as {@code ${env:NAME}}, {@code ${file:/path}} or, for
 * values that merely may hold credentials such as connection URLs, literally.
 *
 * <p>References are resolved on first use rather than at load time, so a command that does not need a
 * secret (listing backups on a laptop, say) does not fail because an unrelated variable is unset.
 * {@code dr config validate} resolves all of them.
 */
public final class Secret {

    private final String path;
    private final String reference;
    private final SecretResolver resolver;
    private final Function<String, String> masker;
    private volatile String resolved;

    Secret(String path, String reference, SecretResolver resolver, Function<String, String> masker) {
        this.path = Objects.requireNonNull(path);
        this.reference = Objects.requireNonNull(reference);
        this.resolver = Objects.requireNonNull(resolver);
        this.masker = Objects.requireNonNull(masker);
    }

    /** A secret given directly by code (tests, the embedded environment); never a reference. */
    public static Secret literal(String path, String value) {
        return new Secret(path, value, SecretResolver.system(), Secret::fullyMasked);
    }

    /** The JSON path this secret was configured at, for messages. */
    public String path() {
        return path;
    }

    /** The file a {@code ${file:/path}} reference names. */
    public Optional<Path> file() {
        return SecretResolver.fileOf(reference);
    }

    /** True when the configuration names where the value lives instead of holding it. */
    public boolean isReference() {
        return SecretResolver.isReference(reference);
    }

    /**
     * The cleartext value. Call it only where the value is handed to a client library, never to build a
     * message.
     *
     * @throws ConfigException naming the path and the missing variable or file
     */
    public String reveal() {
        String value = resolved;
        if (value == null) {
            value = resolver.resolve(path, reference);
            resolved = value;
        }
        return value;
    }

    /** Resolves the value (as {@link #reveal()} does), for validation. Returns the problem, or null. */
    public ConfigProblem check() {
        try {
            reveal();
            return null;
        } catch (ConfigException e) {
            return e.problems().isEmpty() ? new ConfigProblem(path, e.getMessage()) : e.problems().get(0);
        }
    }

    /** What may be shown: the reference itself, or the literal with its sensitive parts masked. */
    public String display() {
        return isReference() ? reference : masker.apply(reference);
    }

    @Override
    public String toString() {
        return display();
    }

    static String fullyMasked(String value) {
        return "****";
    }
}
