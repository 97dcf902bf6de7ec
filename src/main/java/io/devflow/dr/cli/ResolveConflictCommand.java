package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.control.Conflict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dr resolve-conflict <id> source|target|'<json>'}: the seed's conflict resolution. */
@Command(name = "resolve-conflict", mixinStandardHelpOptions = true,
        description = "Resolve an open replication conflict: 'source' writes the source's version to the target, "
                + "'target' writes the target's version to the source, JSON writes that version of the record to "
                + "both (MongoDB). The resolution is recorded with the conflict and in the audit log.")
final class ResolveConflictCommand extends DrSubcommand {

    @Parameters(index = "0", paramLabel = "CONFLICT-ID", description = "The conflict ('dr conflicts list' shows them).")
    String id;

    @Parameters(index = "1", paramLabel = "RESOLUTION", description = "source, target, or the record as a JSON object.")
    String resolution;

    @Override
    public Integer call() {
        Conflict resolved;
        try (DrServices services = new DrServices(loadConfig())) {
            resolved = services.requireReplication().resolve(id, resolution, Operator.name());
        }
        if (json()) {
            Printer.json(out(), resolved);
        } else {
            out().println("Conflict " + resolved.id() + " resolved: " + resolved.reason() + ".");
        }
        return ExitCode.OK;
    }
}
