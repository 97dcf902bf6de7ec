package io.devflow.dr.cli;

import java.io.Console;
import java.util.Optional;

/** Where a command's question is answered: the terminal, or (tests) a scripted answer. */
@FunctionalInterface
public interface Prompt {

    /** The answer, or empty when no one can answer (no terminal: the command needs --yes). */
    Optional<String> ask(String question);

    /** The terminal the command runs on, when it has one. */
    static Prompt console() {
        return question -> {
            Console console = System.console();
            return console == null ? Optional.empty() : Optional.ofNullable(console.readLine("%s", question));
        };
    }
}
