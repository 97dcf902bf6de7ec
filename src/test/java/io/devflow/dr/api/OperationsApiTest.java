package io.devflow.dr.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OperationsApiTest {

    private final OperationsApi api = new OperationsApi();

    @Test
    void shouldApplyThePolicyUnlessTheRequestAsksForADryRun() throws Exception {
        assertThat(api.dryRun(BoundBody.read(null, RetentionRequest.class))).isFalse();
        assertThat(api.dryRun(BoundBody.read(" ", RetentionRequest.class))).isFalse();
        assertThat(api.dryRun(BoundBody.read("{}", RetentionRequest.class))).isFalse();
        assertThat(api.dryRun(BoundBody.read("{\"dryRun\": false}", RetentionRequest.class))).isFalse();
        assertThat(api.dryRun(BoundBody.read("{\"dryRun\": true}", RetentionRequest.class))).isTrue();
    }
}
