package io.devflow.dr.drill;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrillOutcomeTest {

    @Test
    void shouldTakeInWhatAPartFoundInTheOrderThePartsAreIncluded() {
        DrillOutcome redis = new DrillOutcome();
        redis.store("redis", false, 15.0, "canary not seen in us-west-2 within 15 s");
        redis.cleaned("removed the redis replication canary from us-east-1");
        DrillOutcome mongodb = new DrillOutcome();
        mongodb.store("mongodb", true, 0.4, "canary seen in us-west-2 after 0.4 s");
        mongodb.cleaned("removed the mongodb replication canary from us-east-1");
        DrillOutcome outcome = new DrillOutcome();

        outcome.include(mongodb);
        outcome.include(redis);

        assertThat(outcome.stores()).containsOnlyKeys("mongodb", "redis");
        assertThat(outcome.stores().keySet()).containsExactly("mongodb", "redis");
        assertThat(outcome.cleanup()).containsExactly("removed the mongodb replication canary from us-east-1",
                "removed the redis replication canary from us-east-1");
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.failure()).isEqualTo("redis: canary not seen in us-west-2 within 15 s");
    }

    @Test
    void shouldPassWhenEveryIncludedPartPassed() {
        DrillOutcome part = new DrillOutcome();
        part.store("mongodb", true, 0.4, "seen");
        DrillOutcome outcome = new DrillOutcome();

        outcome.include(part);

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.failure()).isNull();
    }
}
