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
     * The words the parser could not place, when it went on to refuse something else: words before a command
     * ({@code dr verifyz ID --level restore}) when a later word names a command ({@code restore}) and that one was
     * refused, or an unknown option ({@code dr resolve-conflict -x source}) when the parser, short of a parameter the
     * option took the place of, reported that one missing. The first mistake is the one to show.
     */
    private static CommandLine.ParameterException firstUnmatched(CommandLine.ParameterException refused) {
        CommandLine root = refused.getCommandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        List<String> unmatched = root.getUnmatchedArguments();
        if (root != refused.getCommandLine() && !unmatched.isEmpty()) {
            return new CommandLine.UnmatchedArgumentException(root, unmatched);
        }
        CommandLine command = refused.getCommandLine();
        if (!(refused instanceof CommandLine.UnmatchedArgumentException) && !command.getUnmatchedArguments().isEmpty()) {
            return new CommandLine.UnmatchedArgumentException(command, command.getUnmatchedArguments());
        }
        return refused;
    }
}
