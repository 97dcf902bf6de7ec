package io.devflow.dr.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.support.DurationText;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one JSON object of the configuration, recording a {@link ConfigProblem} with the full JSON path
 * for everything missing, mistyped or unknown instead of stopping at the first one. Readers return a
 * default (or empty) after recording a problem so that reading can go on and report the rest.
 */
final class JsonObjectReader {

    private final JsonNode node;
    private final String path;
    private final List<ConfigProblem> problems;
    private final SecretResolver secrets;
    private final Set<String> known = new LinkedHashSet<>();
    /** Keys with a problem of their own already: not reported again as unknown. */
    private final Set<String> reported = new LinkedHashSet<>();

    JsonObjectReader(JsonNode node, String path, List<ConfigProblem> problems, SecretResolver secrets) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.secrets = secrets;
    }

    String path() {
        return path;
    }

    String child(String key) {
        return path + "." + key;
    }

    void problem(String key, String message) {
        problems.add(new ConfigProblem(key == null ? path : child(key), message));
        if (key != null) {
            reported.add(key);
        }
    }

    /** Whether the key is there, without making it a key this object knows (for keys that moved elsewhere). */
    boolean present(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    /**
     * The object under the key, to look into before its own reader reads it (the single-region shorthand under
     * {@code backup}); neither marks the key known nor reports a value that is not an object.
     */
    Optional<JsonObjectReader> peekObject(String key) {
        JsonNode value = node.get(key);
        return value != null && value.isObject()
                ? Optional.of(new JsonObjectReader(value, child(key), problems, secrets)) : Optional.empty();
    }

    boolean has(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    boolean isText(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        return value != null && value.isTextual();
    }

    /**
     * Keys another reader of the same object reads and reports on (the shorthand's, under {@code backup}): neither
     * unknown nor listed among the keys this object knows.
     */
    void readElsewhere(List<String> keys) {
        reported.addAll(keys);
    }

    /** Marks keys that are read elsewhere (or deliberately ignored) as known. */
    void allow(String... keys) {
        known.addAll(List.of(keys));
    }

    Optional<JsonObjectReader> object(String key, boolean required) {
        known.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                problem(key, "required");
            }
            return Optional.empty();
        }
        if (!value.isObject()) {
            problem(key, "must be an object");
            return Optional.empty();
        }
        return Optional.of(new JsonObjectReader(value, child(key), problems, secrets));
    }

    /** The entries of an object whose keys are names (regions, say), each as a reader. */
    List<JsonObjectReader> entries() {
        List<JsonObjectReader> result = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            known.add(key);
            JsonNode value = node.get(key);
            if (value.isObject()) {
                result.add(new JsonObjectReader(value, child(key), problems, secrets));
            } else {
                problem(key, "must be an object");
            }
        }
        return result;
    }

    /** The objects of a list, each as a reader at {@code key[i]}. */
    List<JsonObjectReader> array(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        List<JsonObjectReader> result = new ArrayList<>();
        if (value == null || value.isNull()) {
            return result;
        }
        if (!value.isArray()) {
            problem(key, "must be a list of objects");
            return result;
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i).isObject()) {
                result.add(new JsonObjectReader(value.get(i), child(key) + "[" + i + "]", problems, secrets));
            } else {
                problems.add(new ConfigProblem(child(key) + "[" + i + "]", "must be an object"));
            }
        }
        return result;
    }

    String name() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    boolean isEmpty() {
        return node.isEmpty();
    }

    String string(String key, String defaultValue) {
        return optionalString(key).orElseGet(() -> {
            if (defaultValue == null && !has(key)) {
                problem(key, "required");
            }
            return defaultValue;
        });
    }

    Optional<String> optionalString(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            problem(key, "must be a string");
            return Optional.empty();
        }
        if (value.asText().isBlank()) {
            problem(key, "must not be empty");
            return Optional.empty();
        }
        return Optional.of(value.asText().strip());
    }

    int integer(String key, int defaultValue, int min, int max) {
        known.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            problem(key, "must be a whole number");
            return defaultValue;
        }
        int v = value.intValue();
        if (v < min || v > max) {
            problem(key, "must be between " + min + " and " + max + ", was " + v);
            return defaultValue;
        }
        return v;
    }

    /**
     * A duration written as a whole number and a unit: {@code 30s}, {@code 5m}, {@code 4h}, {@code 2d}; the default
     * when absent, and after a problem.
     */
    Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        Optional<Duration> parsed = DurationText.parse(text.get(), max.plusSeconds(1));
        if (parsed.isEmpty()) {
            problem(key, "'" + text.get() + "' is not a duration: write a whole number and a unit, such as 30s, 5m, "
                    + "4h or 2d");
            return defaultValue;
        }
        Duration value = parsed.get();
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problem(key, "must be between " + DurationText.format(min) + " and " + DurationText.format(max) + ", was "
                    + text.get());
            return defaultValue;
        }
        return value;
    }

    boolean bool(String key, boolean defaultValue) {
        known.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            problem(key, "must be true or false");
            return defaultValue;
        }
        return value.booleanValue();
    }

    List<String> strings(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            problem(key, "must be a list of strings");
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                problems.add(new ConfigProblem(child(key) + "[" + i + "]", "must be a non-empty string"));
            } else {
                result.add(item.asText().strip());
            }
        }
        return result;
    }

    List<Integer> integers(String key, int min, int max) {
        known.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            problem(key, "must be a list of whole numbers");
            return List.of();
        }
        List<Integer> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isIntegralNumber() || item.asLong() < min || item.asLong() > max) {
                problems.add(new ConfigProblem(child(key) + "[" + i + "]", "must be a whole number between " + min + " and " + max));
            } else {
                result.add(item.intValue());
            }
        }
        return result;
    }

    /** An object of string values, such as a name mapping. */
    java.util.Map<String, String> stringMap(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        java.util.Map<String, String> result = new java.util.LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return result;
        }
        if (!value.isObject()) {
            problem(key, "must be an object of names");
            return result;
        }
        value.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) {
                result.put(e.getKey(), e.getValue().asText().strip());
            } else {
                problems.add(new ConfigProblem(child(key) + "." + e.getKey(), "must be a non-empty string"));
            }
        });
        return result;
    }

    /** An object whose values are each a string or a list of strings, such as the addresses of each region. */
    java.util.Map<String, List<String>> stringListMap(String key) {
        known.add(key);
        JsonNode value = node.get(key);
        java.util.Map<String, List<String>> result = new java.util.LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return result;
        }
        if (!value.isObject()) {
            problem(key, "must be an object whose values are a string or a list of strings");
            return result;
        }
        value.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            List<String> items = new ArrayList<>();
            if (v.isTextual() && !v.asText().isBlank()) {
                items.add(v.asText().strip());
            } else if (v.isArray() && !v.isEmpty()) {
                v.forEach(item -> items.add(item.isTextual() && !item.asText().isBlank() ? item.asText().strip() : null));
            }
            if (items.isEmpty() || items.contains(null)) {
                problems.add(new ConfigProblem(child(key) + "." + e.getKey(), "must be a non-empty string or list of non-empty strings"));
            } else {
                result.put(e.getKey(), items);
            }
        });
        return result;
    }

    Optional<URI> uri(String key) {
        return optionalString(key).flatMap(text -> {
            try {
                URI uri = new URI(text);
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    problem(key, "'" + text + "' is not an http(s) URL");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                problem(key, "'" + text + "' is not a URL");
                return Optional.empty();
            }
        });
    }

    /** A file path, refused when this system could not open a file by that name (a NUL character, say). */
    Optional<Path> path(String key) {
        return optionalString(key).flatMap(text -> {
            try {
                return Optional.of(Path.of(text));
            } catch (InvalidPathException e) {
                problem(key, "is not a file path this system can open (" + e.getReason() + ")");
                return Optional.empty();
            }
        });
    }

    Optional<Secret> secret(String key, boolean required, Function<String, String> masker) {
        known.add(key);
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                problem(key, "required");
            }
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            problem(key, "must be a non-empty string: the value, ${env:NAME} or ${file:/path}");
            return Optional.empty();
        }
        String syntax = SecretResolver.syntaxProblem(value.asText());
        if (syntax != null) {
            problem(key, syntax);
            return Optional.empty();
        }
        return Optional.of(new Secret(child(key), value.asText().strip(), secrets, masker));
    }

    /** Reports every key that no reader asked for: almost always a typo. */
    void rejectUnknown() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key) && !reported.contains(key)) {
                problem(key, "unknown key; known keys here are " + String.join(", ", known));
            }
        }
    }
}
