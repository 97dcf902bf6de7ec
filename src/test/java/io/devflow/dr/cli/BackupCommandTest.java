package io.devflow.dr.cli;

import io.devflow.dr.testing.CliRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dr backup}'s arguments, without any server. */
class BackupCommandTest {

    @Test
    void shouldNameBothBackupTypesInItsHelp() {
        CliRun run = CliRun.of("backup", "--help");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("--type=TYPE").contains("full or incremental");
    }
}
