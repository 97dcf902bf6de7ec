package io.devflow.dr.testing;

import io.devflow.dr.embedded.EmbeddedInflux;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Runs a test class only when influxd is on the PATH; otherwise skips it saying how to install it. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(InfluxAvailable.Condition.class)
public @interface InfluxAvailable {

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return EmbeddedInflux.executable().isPresent()
                    ? ConditionEvaluationResult.enabled("influxd found")
                    : ConditionEvaluationResult.disabled("influxd is not on the PATH: InfluxDB tests skipped. Install "
                    + "InfluxDB 1.x to run them (Debian: apt-get install influxdb); .ci/run does.");
        }
    }
}
