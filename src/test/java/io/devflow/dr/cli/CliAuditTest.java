package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliAuditTest {

    private final StringWriter err = new StringWriter();
    private final AuditLog unreachable = new AuditLog(new UnreachableState(), Clock.systemUTC());

    @Test
    void shouldWarnWhenACompletedActionCannotBeAudited() {
        String result = CliAudit.audited(unreachable, new PrintWriter(err, true), "verify", "backup-1",
                CliAudit.details(), () -> "verified");

        assertThat(result).isEqualTo("verified");
        assertThat(err.toString()).startsWith("warning: the audit log has no entry for this verify of backup-1: ")
                .contains("bucket unreachable");
    }

    @Test
    void shouldLeaveAFailedActionsErrorAloneWhenItCannotBeAuditedEither() {
        IllegalStateException failure = new IllegalStateException("credentials missing");

        assertThatThrownBy(() -> CliAudit.audited(unreachable, new PrintWriter(err, true), "verify", "backup-1",
                CliAudit.details(), () -> {
                    throw failure;
                })).isSameAs(failure);

        assertThat(err.toString()).isEmpty();
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("bucket unreachable");
    }

    /** A control plane whose every call fails, as one without bucket credentials does. */
    private static final class UnreachableState implements StateStore {
        @Override
        public Optional<StateDocument> read(String path) {
            throw new IllegalStateException("bucket unreachable");
        }

        @Override
        public StateDocument write(String path, JsonNode content) {
            throw new IllegalStateException("bucket unreachable");
        }

        @Override
        public void delete(String path) {
            throw new IllegalStateException("bucket unreachable");
        }

        @Override
        public List<String> list(String folder) {
            throw new IllegalStateException("bucket unreachable");
        }
    }
}
