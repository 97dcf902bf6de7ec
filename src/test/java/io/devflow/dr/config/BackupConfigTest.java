package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BackupConfigTest {

    @Test
    void shouldComputeTheLargestPartSizeWithoutOverflow() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/backup").put("partSizeMiB", 5120);

        assertThat(TestConfigs.load(root).backup().partSizeBytes()).isEqualTo(5L * 1024 * 1024 * 1024);
    }

    @Test
    void shouldLetTheServerRunTheSchedulesUnlessCronJobsAreNamed() {
        ObjectNode root = TestConfigs.minimal();
        assertThat(TestConfigs.load(root).backup().schedule().runner()).isEqualTo(ScheduleConfig.Runner.SERVER);

        at(root, "/disasterRecovery/backup").putObject("schedule").put("runner", "cronjobs");

        ScheduleConfig schedule = TestConfigs.load(root).backup().schedule();
        assertThat(schedule.runner()).isEqualTo(ScheduleConfig.Runner.CRONJOBS);
        assertThat(schedule.full()).as("the other settings keep their defaults").isEqualTo(ScheduleDefaults.FULL);
    }

    @Test
    void shouldNameTheRunnersWhenTheRunnerIsUnknown() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/backup").putObject("schedule").put("runner", "systemd");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.problems()).extracting(ConfigProblem::path)
                .containsExactly("disasterRecovery.backup.schedule.runner");
        assertThat(failure.problems().get(0).message()).contains("must be server or cronjobs, was 'systemd'");
    }
}
