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
        Errors errors = new Errors();
        CommandLine cmd = new CommandLine(new DrCommand(secrets));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(errors);
        cmd.setParameterExceptionHandler(errors);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    /**
     * One-shot commands print their own results; the service commands log. Set before logging starts, so
     * a user-facing command does not show Camel's start-up lines or stack traces.
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
        if (!service) {
            System.setProperty("dr.log.level", System.getProperty("dr.log.level", "WARN"));
            System.setProperty("dr.camel.level", System.getProperty("dr.camel.level", "WARN"));
            System.setProperty("dr.log.stack", System.getProperty("dr.log.stack", "%nopex"));
        }
    }
}
