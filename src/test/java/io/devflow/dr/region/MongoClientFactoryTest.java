package io.devflow.dr.region;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import io.devflow.dr.config.MongoConfig;
import io.devflow.dr.testing.TestConfigs;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every wait of a MongoDB client is bounded by the region's configuration. */
class MongoClientFactoryTest {

    @Test
    void shouldReadTheTimeoutsFromTheConfiguration() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-east-1/mongodb").put("socketTimeoutMs", 1500).put("connectTimeoutMs", 700);

        MongoConfig mongo = TestConfigs.load(root).primaryRegion().requireMongodb();
        MongoConfig defaults = TestConfigs.load(TestConfigs.minimal()).primaryRegion().requireMongodb();

        assertThat(mongo.socketTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(mongo.connectTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(defaults.socketTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    /** A server that accepts connections and never answers: a half-open primary. */
    @Test
    void shouldFailAgainstAServerThatStopsAnsweringInsteadOfHanging() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            }, "silent-mongodb");
            acceptor.setDaemon(true);
            acceptor.start();
            ObjectNode root = TestConfigs.minimal();
            at(root, "/disasterRecovery/regions/us-east-1/mongodb")
                    .put("url", "mongodb://127.0.0.1:" + silent.getLocalPort() + "/?directConnection=true")
                    .put("serverSelectionTimeoutMs", 3000).put("socketTimeoutMs", 1000).put("connectTimeoutMs", 1000);
            MongoConfig config = TestConfigs.load(root).primaryRegion().requireMongodb();

            long start = System.nanoTime();
            try (MongoClient client = MongoClientFactory.create(config)) {
                assertThatThrownBy(() -> client.getDatabase("admin").runCommand(new Document("ping", 1)))
                        .isInstanceOf(MongoException.class);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(accepted).as("the client reached the server").isNotEmpty();
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
