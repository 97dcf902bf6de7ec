package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalInt;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code recovery.drills}: how DR drills run and when. */
class DrillConfigTest {

    @Test
    void shouldDefaultToAnIsolatedFailoverAndTheSeedsMonthlyAndWeeklySchedules() {
        DrillConfig drills = TestConfigs.load(TestConfigs.minimal()).recovery().drills();

        assertThat(drills).isEqualTo(DrillConfig.DEFAULT);
        assertThat(drills.fullTestSchedule()).isEqualTo("0 0 4 1 * ?");
        assertThat(drills.restoreDrillSchedule()).isEqualTo("0 0 4 ? * SAT");
    }

    @Test
    void shouldReadEverySetting() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").set("drills", Json.MAPPER.readTree("""
                {"failover": "planned", "failoverTarget": "us-west-2",
                 "schedule": {"fullTest": "0 30 5 1 * ?", "restoreDrill": "0 0 6 ? * MON"},
                 "redisScratchDatabase": 12}"""));

        DrillConfig drills = TestConfigs.load(root).recovery().drills();

        assertThat(drills).isEqualTo(new DrillConfig(DrillConfig.FailoverMode.PLANNED, Optional.of(RegionId.of("us-west-2")),
                "0 30 5 1 * ?", "0 0 6 ? * MON", OptionalInt.of(12)));
    }

    @Test
    void shouldReportEveryProblemWithItsPath() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").set("drills", Json.MAPPER.readTree("""
                {"failover": "chaos", "failoverTarget": "moon-1", "schedule": {"fullTest": "monthly"},
                 "redisScratchDatabase": 16, "colour": "red"}"""));

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        String d = "disasterRecovery.recovery.drills.";
        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(d + "failover",
                d + "failoverTarget", d + "schedule.fullTest", d + "redisScratchDatabase", d + "colour");
        assertThat(failure.problems()).extracting(ConfigProblem::message)
                .anyMatch(m -> m.contains("'chaos' is not a failover drill: isolated"))
                .anyMatch(m -> m.contains("'moon-1' is not a configured region"))
                .anyMatch(m -> m.contains("'monthly' is not a Quartz cron expression"));
    }
}
