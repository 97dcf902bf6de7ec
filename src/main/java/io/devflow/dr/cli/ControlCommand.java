package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.control.RegionalStateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dr control adopt [--yes]}: control-plane documents written before they were signed are not used (anyone
 * who could write to a bucket could have written them). An operator who has reviewed them signs them once with
 * this command; until then replication starts from an initial sync and the desired state from the configuration.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Maintain the control-plane state kept in every region's bucket.",
        subcommands = {ControlCommand.Adopt.class})
final class ControlCommand extends DrSubcommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return ExitCode.USAGE;
    }

    @Command(name = "adopt", mixinStandardHelpOptions = true,
            description = "List control documents written by a version without signatures (upgrades); with --yes, "
                    + "sign them with the deployment's control key so they are used again.")
    static final class Adopt extends DrSubcommand {

        @Option(names = "--yes", description = "Sign the listed documents (default: only list them).")
        boolean yes;

        @Override
        public Integer call() {
            List<String> unsigned;
            List<String> adopted = new ArrayList<>();
            try (DrServices services = new DrServices(loadConfig())) {
                RegionalStateStore state = services.controlState();
                unsigned = state.unsigned();
                if (yes) {
                    for (String path : unsigned) {
                        if (state.adopt(path)) {
                            adopted.add(path);
                        }
                    }
                }
            }
            if (json()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("unsigned", unsigned);
                body.put("adopted", adopted);
                Printer.json(out(), body);
            } else if (unsigned.isEmpty()) {
                out().println("Every control document is signed; nothing to adopt.");
            } else if (yes) {
                out().println("Signed " + adopted.size() + " document(s):");
                adopted.forEach(path -> out().println("  " + path));
            } else {
                out().println("Unsigned (not used): " + unsigned.size() + " document(s):");
                unsigned.forEach(path -> out().println("  " + path));
                out().println("Review them in the buckets (<prefix>/control/), then run 'dr control adopt --yes'.");
            }
            return ExitCode.OK;
        }
    }
}
