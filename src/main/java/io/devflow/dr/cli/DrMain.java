package io.devflow.dr.cli;

import io.devflow.dr.config.SecretResolver;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Entry point of the {@code dr} launcher. */
public final class DrMain {

    private DrMain() {
    }

    public static void main(String[] args) {
        quietLoggingForCommands(args);
        int code = commandLine(SecretResolver.system(), new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args);
        System.exit(code);
    }

    /** The configured command line, with output going to the given writers (tests capture them). */
    public static CommandLine commandLine(SecretResolver secrets, PrintWriter out, PrintWriter err) {
        return commandLine(secrets, out, err, Prompt.console());
    }

    /** The same, with the questions commands ask answered by {@code prompt}. */
    public static CommandLine commandLine(SecretResolver secrets, PrintWriter out, PrintWriter err, Prompt prompt) {
        Errors errors = new Errors();
        CommandLine cmd = new CommandLine(new DrCommand(secrets, prompt));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(errors);
        cmd.setParameterExceptionHandler(errors);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // an option left without its value does not take a mistyped option after it as one (--target-database --Type)
        cmd.setUnmatchedOptionsAllowedAsOptionParameters(false);
        cmd.setExecutionStrategy(DrMain::formatsOnlyWhereTheyApply);
        return cmd;
    }

    /**
     * {@code --output junit} is a report of drills and {@code --output md} a compliance report; any other command
     * refuses them rather than print text instead.
     */
    private static int formatsOnlyWhereTheyApply(CommandLine.ParseResult parsed) {
        CommandLine command = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
        DrCommand root = (DrCommand) parsed.commandSpec().userObject();
        Object chosen = command.getCommandSpec().userObject();
        boolean drills = chosen instanceof TestCommand || chosen instanceof TestCommand.HistoryCommand;
        if (root.common.output == OutputFormat.junit && !drills) {
            throw new CommandLine.ParameterException(command, "--output junit applies to dr test only; use text or json");
        }
        if (root.common.output == OutputFormat.md && !(chosen instanceof ComplianceCommand.Report)) {
            throw new CommandLine.ParameterException(command,
                    "--output md applies to dr compliance report only; use text or json");
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /**
     * One-shot commands print their own results; the service commands log (Camel itself at WARN: its start-up
     * report is noise for an operator). DR_LOG_LEVEL overrides both. Set before logging starts.
     */
    private static void quietLoggingForCommands(String[] args) {
        boolean service = false;
        for (String arg : args) {
            if (arg.equals("server") || arg.equals("demo")) {
                service = true;
                break;
            }
            if (!arg.startsWith("-")) {
                break;
            }
        }
        String level = System.getenv("DR_LOG_LEVEL");
        if (level != null && !level.isBlank()) {
            System.setProperty("dr.log.level", level);
            System.setProperty("dr.camel.level", level);
        } else if (service) {
            System.setProperty("dr.camel.level", "WARN");
        } else {
            // A command reports its outcome itself, in one line; its log is there on request (DR_LOG_LEVEL=INFO).
            System.setProperty("dr.log.level", "OFF");
            System.setProperty("dr.camel.level", "OFF");
            System.setProperty("dr.log.stack", "%nopex");
        }
    }
}
