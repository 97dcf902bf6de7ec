package io.devflow.dr.cli;

import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.testing.CliRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How dr answers arguments it cannot use: exit code 2 and one line on stderr naming what is wrong. */
class ArgumentErrorsTest {

    @Test
    void shouldRefuseACommandThatGroupsOthersWhenCalledWithoutOne() {
        for (String group : new String[] {"backups", "retention", "replication", "conflicts", "keys", "config"}) {
            CliRun run = CliRun.of(group);

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).as(run.toString()).startsWith("dr: a command is required after 'dr " + group + "': ");
            assertThat(run.errIsOneCleanLine()).as(run.toString()).isTrue();
        }
        assertThat(CliRun.of("keys").err()).startsWith("dr: a command is required after 'dr keys': init, describe, create\n");
    }

    @Test
    void shouldShowControlCharactersOfAnArgumentEscaped() {
        CliRun run = CliRun.of("verify", "x\n\u001b[31mred");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err().lines().findFirst()).hasValueSatisfying(line -> assertThat(line)
                .startsWith("dr: Invalid value for positional parameter at index 0 (BACKUP-ID): 'x\\n\\u001b[31mred' is "
                        + "not a backup id"));
        assertThat(run.err()).doesNotContain("\u001b");
        assertThat(run.errIsOneCleanLine()).as(run.toString()).isTrue();
    }

    @Test
    void shouldNameAMistypedCommandRatherThanALaterWordThatNamesAnother() {
        CliRun run = CliRun.of("verifyz", BackupId.EXAMPLE, "--level", "restore");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).as(run.toString()).startsWith("dr: Unmatched arguments from index 0: 'verifyz', '"
                + BackupId.EXAMPLE + "', '--level'").doesNotContain("--target-region");
    }

    @Test
    void shouldNameAnUnknownOptionRatherThanTheParameterItTookThePlaceOf() {
        for (String option : new String[] {"-x", "-".repeat(32)}) {
            CliRun run = CliRun.of("resolve-conflict", "--config", "/nonexistent/dr-config.json", option, "source");

            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).as(run.toString()).startsWith("dr: Unknown option: '" + option + "'")
                    .doesNotContain("RESOLUTION");
        }
    }

    @Test
    void shouldNotTakeAMistypedOptionAsTheValueOfAnOptionLeftWithoutOne() {
        CliRun run = CliRun.of("restore", "--config", "/nonexistent/dr-config.json", BackupId.EXAMPLE, "--target-region",
                "us-east-1", "--yes", "--target-database", "--Type");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).as(run.toString()).startsWith("dr: Unknown option: '--Type'; Expected parameter for "
                + "option '--target-database' but found '--Type'");
    }
}
