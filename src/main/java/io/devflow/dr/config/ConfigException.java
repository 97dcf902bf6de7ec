package io.devflow.dr.config;

import io.devflow.dr.support.Printable;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration cannot be used; carries every problem found, not just the first. */
public class ConfigException extends RuntimeException {

    private final List<ConfigProblem> problems;

    private ConfigException(String message, List<ConfigProblem> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /**
     * Every problem of one configuration source, listed one per line under a header; what the configuration holds
     * (keys, values) is shown with its control characters escaped, so each problem stays one line.
     */
    public static ConfigException of(String source, List<ConfigProblem> problems) {
        String header = "configuration " + Printable.of(source) + " has " + problems.size()
                + (problems.size() == 1 ? " problem:" : " problems:");
        String lines = problems.stream().map(p -> "  " + Printable.of(p.toString())).collect(Collectors.joining("\n"));
        return new ConfigException(header + "\n" + lines, problems);
    }

    /** A single problem, stated on one line. */
    public static ConfigException single(ConfigProblem problem) {
        return new ConfigException(Printable.of(problem.toString()), List.of(problem));
    }

    /** A problem that has no JSON path, such as a missing configuration file. */
    public static ConfigException general(String message) {
        return new ConfigException(Printable.of(message), List.of());
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
