package io.devflow.dr.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves {@code ${env:NAME}} and {@code ${file:/path}} references. */
public final class SecretResolver {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    private static final int MAX_BYTES = 64 * 1024;

    private final Function<String, String> environment;

    public SecretResolver(Function<String, String> environment) {
        this.environment = environment;
    }

    public static SecretResolver system() {
        return new SecretResolver(System::getenv);
    }

    public static SecretResolver of(Map<String, String> environment) {
        return new SecretResolver(environment::get);
    }

    static boolean isReference(String text) {
        return text != null && REFERENCE.matcher(text.trim()).matches();
    }

    static Optional<Path> fileOf(String text) {
        Matcher m = REFERENCE.matcher(text.trim());
        return m.matches() && m.group(1).equals("file") ? Optional.of(Path.of(m.group(2).trim())) : Optional.empty();
    }

    /** Syntax problems of a value that looks like a reference, or null when it is fine. */
    static String syntaxProblem(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("${") && !REFERENCE.matcher(trimmed).matches()) {
            return "'" + trimmed + "' is not a secret reference; write ${env:NAME} or ${file:/path/to/file}";
        }
        Matcher m = REFERENCE.matcher(trimmed);
        if (m.matches() && m.group(1).equals("file")) {
            try {
                Path.of(m.group(2).trim());
            } catch (InvalidPathException e) {
                return "'" + trimmed + "' names no file this system can open (" + e.getReason()
                        + "); write ${file:/path/to/file}";
            }
        }
        return null;
    }

    String resolve(String path, String reference) {
        Matcher m = REFERENCE.matcher(reference.trim());
        if (!m.matches()) {
            return reference;
        }
        String kind = m.group(1);
        String name = m.group(2).trim();
        if (kind.equals("env")) {
            String value = environment.apply(name);
            if (value == null || value.isBlank()) {
                throw problem(path, "environment variable " + name + " is not set; export it or point "
                        + path + " at a file with ${file:/path}");
            }
            return value.strip();
        }
        try {
            String value = TextFiles.read(Path.of(name), MAX_BYTES, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw problem(path, "secret file " + name + " is empty");
            }
            return value;
        } catch (TextFiles.TooLargeException e) {
            throw problem(path, "secret file " + name + " is larger than 64 KiB, which no secret is; point " + path
                    + " at the file that holds only the secret");
        } catch (NoSuchFileException e) {
            throw problem(path, "secret file " + name + " does not exist");
        } catch (IOException e) {
            throw problem(path, "secret file " + name + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ConfigException problem(String path, String message) {
        return ConfigException.single(new ConfigProblem(path, message));
    }
}
