package io.devflow.dr.api;

import io.devflow.dr.config.ApiRole;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The operations of the HTTP API as its REST definitions declare them (method, path template such as
 * {@code /api/backups/{id}}, the role each needs), so that a request is told apart before its body is read: an
 * operation it may call, a known path with another method (405), or no such path (404).
 */
public final class ApiOperations {

    public record Operation(String method, String template, ApiRole role) {

        Pattern pattern() {
            return Pattern.compile(Pattern.quote(template).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q"));
        }
    }

    /** What a request is to the API. */
    public sealed interface Match {
    }

    public record Found(Operation operation) implements Match {
    }

    /** A path the API knows, with the methods it may be called with. */
    public record WrongMethod(String path, List<String> allowed) implements Match {
    }

    public record Unknown(String path) implements Match {
    }

    private record Compiled(Operation operation, Pattern pattern) {
    }

    private final List<Compiled> operations;

    public ApiOperations(List<Operation> operations) {
        this.operations = operations.stream().map(o -> new Compiled(o, o.pattern())).toList();
    }

    public List<Operation> all() {
        return operations.stream().map(Compiled::operation).toList();
    }

    public Match match(String method, String path) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Compiled c : operations) {
            if (c.pattern().matcher(path).matches()) {
                if (c.operation().method().equalsIgnoreCase(method)) {
                    return new Found(c.operation());
                }
                allowed.add(c.operation().method().toUpperCase(Locale.ROOT));
            }
        }
        return allowed.isEmpty() ? new Unknown(path) : new WrongMethod(path, List.copyOf(allowed));
    }

    /** The role an operation needs, as a REST verb declares it: the scope of its bearer security requirement. */
    public static Optional<ApiRole> role(String scopes) {
        return scopes == null ? Optional.empty() : ApiRole.parse(scopes.strip());
    }
}
