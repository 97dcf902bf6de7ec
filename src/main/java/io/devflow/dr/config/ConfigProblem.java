package io.devflow.dr.config;

/** One thing wrong with the configuration, located by its JSON path. */
public record ConfigProblem(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
