package io.devflow.dr.cli;

import io.devflow.dr.config.ConfigException;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Printable;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;

/**
 * Maps any exception escaping a command to one line on stderr and an exit code: 2 for usage and
 * configuration errors, 1 for everything else. Stack traces only with DR_DEBUG=1.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    static int exitCode(Throwable failure) {
        if (failure instanceof ConfigException || failure instanceof InvalidRequestException
                || failure instanceof UsageException || failure instanceof LocalKeyring.KeyringException
                || failure instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE;
        }
        return ExitCode.FAILED;
    }

    /** The message to show: one line (a configuration's problems one per line), control characters escaped. */
    static String message(Throwable failure) {
        if (failure instanceof ConfigException) {
            return failure.getMessage();
        }
        if (failure instanceof OperationFailedException || failure instanceof UsageException) {
            return Printable.of(failure.getMessage());
        }
        return Printable.of(Failures.describe(failure));
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println("dr: " + message(ex));
        if ("1".equals(System.getenv("DR_DEBUG"))) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode(ex);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException refused, String[] args) {
        CommandLine.ParameterException ex = firstUnmatched(refused);
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("dr: " + Printable.of(ex.getMessage()));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        err.flush();
        return ExitCode.USAGE;
    }

    /**
     * The words before a command that {@code dr} could not place ({@code dr verifyz ID --level restore}), when the
     * parser went on to a later word that names a command ({@code restore}) and refused that instead: the first
     * mistake is the one to show.
     */
    private static CommandLine.ParameterException firstUnmatched(CommandLine.ParameterException refused) {
        CommandLine root = refused.getCommandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        List<String> unmatched = root.getUnmatchedArguments();
        return root == refused.getCommandLine() || unmatched.isEmpty() ? refused
                : new CommandLine.UnmatchedArgumentException(root, unmatched);
    }
}
