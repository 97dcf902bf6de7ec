package io.devflow.dr.api;

import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class BackupApiTest {

    private final DrConfig config = TestConfigs.load(TestConfigs.minimal());
    private final BackupApi api = new BackupApi(config, null, null, null, () -> config.primaryRegion().id());
    private final ApiErrors errors = new ApiErrors();

    @Test
    void shouldParseACompleteRequest() throws Exception {
        BackupRequest request = parse("{\"type\":\"full\",\"store\":\"mongodb\",\"region\":\"us-west-2\"}");

        assertThat(request.type()).isEqualTo(BackupType.FULL);
        assertThat(request.store()).isEqualTo(StoreKind.MONGODB);
        assertThat(request.region()).isEqualTo(RegionId.of("us-west-2"));
        assertThat(request.trigger()).isEqualTo("api");
        assertThat(request.progress()).isNotNull();
    }

    @Test
    void shouldDefaultToMongodbInThePrimaryRegion() throws Exception {
        BackupRequest request = parse("{\"type\": \"incremental\"}");

        assertThat(request.type()).isEqualTo(BackupType.INCREMENTAL);
        assertThat(request.store()).isEqualTo(StoreKind.MONGODB);
        assertThat(request.region()).isEqualTo(RegionId.of("us-east-1"));
        assertThat(parse("{\"type\":\"full\",\"store\":null,\"region\":null}").region()).isEqualTo(RegionId.of("us-east-1"));
    }

    @Test
    void shouldRefuseABodyThatIsNotJson() {
        assertBadRequest("{\"type\": \"full\"", "the request body is not valid JSON");
        assertBadRequest("type=full", "the request body is not valid JSON");
    }

    @Test
    void shouldRefuseABodyThatIsNotAnObject() {
        assertBadRequest(null, "must be a JSON object");
        assertBadRequest("  ", "must be a JSON object");
        assertBadRequest("[\"full\"]", "must be a JSON object");
        assertBadRequest("\"full\"", "must be a JSON object");
    }

    @Test
    void shouldRefuseUnknownFields() {
        assertBadRequest("{\"type\":\"full\",\"database\":\"devflow\",\"when\":\"now\"}",
                "unknown field(s) database, when; a backup request has type, store and region");
    }

    @Test
    void shouldNameTheAllowedTypes() {
        assertBadRequest("{}", "type is required: \"full\" or \"incremental\"");
        assertBadRequest("{\"type\":\"daily\"}", "type must be full or incremental, was 'daily'");
        assertBadRequest("{\"type\":1}", "type must be a string");
    }

    @Test
    void shouldNameTheAllowedStores() {
        assertBadRequest("{\"type\":\"full\",\"store\":\"cassandra\"}", "store must be one of mongodb, redis, influxdb, was 'cassandra'");
    }

    @Test
    void shouldNameTheConfiguredRegions() {
        assertBadRequest("{\"type\":\"full\",\"region\":\"eu-central-1\"}",
                "unknown region 'eu-central-1'; configured regions are us-east-1, us-west-2");
        assertBadRequest("{\"type\":\"full\",\"region\":\"US East\"}",
                "unknown region 'US East'; configured regions are us-east-1, us-west-2");
    }

    private BackupRequest parse(String body) throws Exception {
        return api.request(BoundBody.read(body, BackupRequestBody.class));
    }

    private void assertBadRequest(String body, String message) {
        Throwable failure = catchThrowable(() -> parse(body));

        assertThat(failure).as(String.valueOf(body)).isNotNull();
        assertThat(errors.status(failure)).as(String.valueOf(body)).isEqualTo(400);
        assertThat(errors.body(failure).error()).as(String.valueOf(body)).contains(message);
    }
}
