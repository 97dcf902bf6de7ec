package io.devflow.dr.testing;

import io.devflow.dr.cli.DrMain;
import io.devflow.dr.config.SecretResolver;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;

/** Runs the dr command line in-process and captures its exit code and output. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DrMain.commandLine(SecretResolver.system(), new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs a command whose question (a confirmation) is answered with {@code answer}. */
    public static CliRun answering(String answer, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DrMain.commandLine(SecretResolver.system(), new PrintWriter(out, true), new PrintWriter(err, true),
                question -> Optional.of(answer)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The user sees one line per problem and never a stack trace. */
    public boolean errIsOneCleanLine() {
        return !err.contains("\tat ") && !err.contains("Exception:") && err.strip().lines().count() <= 2;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
