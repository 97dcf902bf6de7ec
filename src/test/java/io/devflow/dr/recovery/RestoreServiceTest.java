package io.devflow.dr.recovery;

import io.devflow.dr.support.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class RestoreServiceTest {

    private static final List<String> ONE = List.of("devflow");
    private static final List<String> TWO = List.of("devflow", "audit");

    @Test
    void shouldKeepTheSourceNamesByDefault() {
        assertThat(RestoreService.mapDatabases(TWO, List.of()))
                .containsExactly(entry("devflow", "devflow"), entry("audit", "audit"));
    }

    @Test
    void shouldRenameTheOnlyDatabaseToASingleName() {
        assertThat(RestoreService.mapDatabases(ONE, List.of("devflow_restored")))
                .isEqualTo(Map.of("devflow", "devflow_restored"));
    }

    @Test
    void shouldAskForPairsWhenASingleNameIsGivenForSeveralDatabases() {
        assertThatThrownBy(() -> RestoreService.mapDatabases(TWO, List.of("restored")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("holds 2 databases (devflow, audit)")
                .hasMessageContaining("SOURCE=TARGET")
                .hasMessageContaining("--target-database devflow=devflow_restored");
    }

    @Test
    void shouldMapNamedPairsAndKeepTheOthers() {
        assertThat(RestoreService.mapDatabases(TWO, List.of("audit=audit_restored")))
                .containsExactly(entry("devflow", "devflow"), entry("audit", "audit_restored"));
        assertThat(RestoreService.mapDatabases(TWO, List.of("devflow=d2", "audit=a2")))
                .containsExactly(entry("devflow", "d2"), entry("audit", "a2"));
        assertThat(RestoreService.mapDatabases(ONE, List.of("devflow=copy")))
                .containsExactly(entry("devflow", "copy"));
    }

    @Test
    void shouldRefuseAPairForADatabaseTheBackupDoesNotHold() {
        assertThatThrownBy(() -> RestoreService.mapDatabases(TWO, List.of("billing=billing_restored")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("the backup has no database 'billing'; it holds devflow, audit");
    }

    @Test
    void shouldRefuseADatabaseMappedTwice() {
        assertThatThrownBy(() -> RestoreService.mapDatabases(TWO, List.of("devflow=x", "devflow=y")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("database 'devflow' is mapped twice; name each one once");
    }

    @Test
    void shouldRefuseTargetNamesTheStoreCannotTake() {
        assertThatThrownBy(() -> RestoreService.checkTargetNames("mongodb", Map.of("devflow", "bad.name/x$")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("'bad.name/x$' cannot be a target database: a MongoDB database name");
        assertThatThrownBy(() -> RestoreService.checkTargetNames("redis", Map.of("0", "zero")))
                .hasMessage("'zero' cannot be a target database: a Redis database is a number (0, 1, ...)");
        assertThatThrownBy(() -> RestoreService.checkTargetNames("influxdb", Map.of("metrics", "me tr\"ics")))
                .hasMessageContaining("an InfluxDB database name has no quotes");
        RestoreService.checkTargetNames("mongodb", Map.of("devflow", "devflow_restored"));
        RestoreService.checkTargetNames("redis", Map.of("0", "3"));
        RestoreService.checkTargetNames("influxdb", Map.of("metrics", "disk usage"));
    }

    @Test
    void shouldRefuseMalformedPairs() {
        for (String pair : List.of("devflow=", "=copy", "plain")) {
            assertThatThrownBy(() -> RestoreService.mapDatabases(TWO, List.of("audit=a2", pair)))
                    .as(pair)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("'" + pair + "' is not SOURCE=TARGET");
        }
    }
}
