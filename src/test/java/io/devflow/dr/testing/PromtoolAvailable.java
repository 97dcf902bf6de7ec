package io.devflow.dr.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs a test class when Prometheus's promtool is on the PATH. Without it the class is skipped, saying how to install
 * it, except in CI (environment variable {@code CI} set): there it runs and fails, so the checks are never lost.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PromtoolAvailable.Condition.class)
public @interface PromtoolAvailable {

    String INSTALL = "Install Prometheus's promtool to run them (Debian: apt-get install prometheus); .ci/run does.";

    final class Condition implements ExecutionCondition {

        /** promtool on the PATH, if any. */
        public static Optional<Path> executable() {
            return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable)
                    .findFirst();
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (executable().isPresent()) {
                return ConditionEvaluationResult.enabled("promtool found");
            }
            if (System.getenv("CI") != null) {
                return ConditionEvaluationResult.enabled("promtool is missing in CI: the tests run and fail");
            }
            return ConditionEvaluationResult.disabled("promtool is not on the PATH: the promtool checks of "
                    + "k8s/monitoring are skipped. " + INSTALL);
        }
    }
}
