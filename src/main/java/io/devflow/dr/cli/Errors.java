package io.devflow.dr.cli;

import io.devflow.dr.config.ConfigException;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import picocli.CommandLine;

import java.io.PrintWriter;

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

    static String message(Throwable failure) {
        if (failure instanceof ConfigException || failure instanceof OperationFailedException
                || failure instanceof UsageException) {
            return failure.getMessage();
        }
        return Failures.describe(failure);
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
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("dr: " + ex.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        err.flush();
        return ExitCode.USAGE;
    }
}
