package io.devflow.dr.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped example stays a valid configuration, in the seed's shape. */
class ExampleConfigTest {

    @Test
    void shouldLoadTheExampleWithItsSecretsResolved() {
        SecretResolver env = SecretResolver.of(Map.of(
                "DR_MONGODB_URL_US_EAST_1", "mongodb://dr:s3cret@mongo-east:27017",
                "DR_MONGODB_URL_US_WEST_2", "mongodb://mongo-west:27017",
                "DR_API_TOKEN", "token",
                "DR_REDIS_URL_US_EAST_1", "redis://redis-east:6379", "DR_REDIS_URL_US_WEST_2", "redis://redis-west:6379",
                "DR_REDIS_PASSWORD_US_EAST_1", "p1", "DR_REDIS_PASSWORD_US_WEST_2", "p2",
                "DR_INFLUXDB_PASSWORD_US_EAST_1", "p3", "DR_INFLUXDB_PASSWORD_US_WEST_2", "p4"));
        DrConfig config = new ConfigLoader(env).load(Path.of("config/dr-config.example.json"));

        assertThat(ConfigChecks.checkSecrets(config)).isEmpty();
        assertThat(config.primaryRegion().id()).isEqualTo(RegionId.of("us-east-1"));
        assertThat(config.regions()).containsKeys(RegionId.of("us-east-1"), RegionId.of("us-west-2"));
        assertThat(config.backup().retention()).isEqualTo(new RetentionConfig(7, 4, 12));
        assertThat(config.backup().encryption().provider()).isEqualTo(KeyProviderKind.AWS_KMS);
        assertThat(config.recovery()).isEqualTo(RecoveryConfig.of(30, 5, true, config.source()));
        assertThat(config.primaryRegion().requireMongodb().url().display()).isEqualTo("${env:DR_MONGODB_URL_US_EAST_1}");
        assertThat(config.primaryRegion().requireRedis().databases()).containsExactly(0, 1);
        assertThat(config.primaryRegion().requireInfluxdb().databases()).containsExactly("metrics");
        assertThat(config.backup().incremental().segment()).hasMinutes(60);
        ReplicationConfig replication = config.replication().orElseThrow();
        assertThat(replication.targets()).containsExactly(RegionId.of("us-west-2"));
        assertThat(replication.stores()).containsExactlyInAnyOrder(StoreKind.values());
        assertThat(replication.conflicts().strategy()).isEqualTo(ConflictStrategy.LAST_WRITE_WINS);
    }
}
