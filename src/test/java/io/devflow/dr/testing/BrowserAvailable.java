package io.devflow.dr.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;

/**
 * Runs a test class only when the browser tests can run ({@link BrowserTests#missing()}). Locally a missing part
 * skips the class, saying what to install; in CI (the environment variable {@code CI} set, as .ci/run does) the class
 * runs and {@link BrowserTests#require()} fails it with the same message, so the browser tests cannot silently go
 * missing there.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BrowserAvailable.Condition.class)
public @interface BrowserAvailable {

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> missing = BrowserTests.missing();
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("node, playwright-core and Chromium found");
            }
            return System.getenv("CI") != null
                    ? ConditionEvaluationResult.enabled("CI: " + missing.get())
                    : ConditionEvaluationResult.disabled(missing.get());
        }
    }
}
