package io.devflow.dr.cli;

import io.devflow.dr.config.DrConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every subcommand shares: the root's options, the configuration, and the output writers. */
abstract class DrSubcommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    DrCommand root() {
        return (DrCommand) spec.root().userObject();
    }

    CommonOptions common() {
        return root().common;
    }

    boolean json() {
        return common().json();
    }

    DrConfig loadConfig() {
        return root().loader.load(common().configPath());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The refusal of a command that only groups others ({@code dr backups}), naming them, as {@code dr} alone is. */
    ParameterException commandRequired() {
        return new ParameterException(spec.commandLine(), "a command is required after '" + spec.qualifiedName()
                + "': " + String.join(", ", spec.subcommands().keySet()));
    }
}
