package io.devflow.dr.region;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.client.MongoClient;
import io.devflow.dr.config.MongoConfig;
import io.devflow.dr.embedded.EmbeddedMongo;
import io.devflow.dr.testing.TestConfigs;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A primary that was reachable and then stops answering (a half-open connection: the socket stays open, no reply
 * comes) fails an operation after the configured socket timeout instead of hanging it. The server is a real
 * MongoDB (mongo-java-server) behind a relay that stops passing its answers on.
 */
class MongoClientFactoryIT {

    @Test
    void shouldFailAnOperationThatGetsNoAnswerAfterTheSocketTimeout() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(); Relay relay = new Relay(mongo.port())) {
            ObjectNode root = TestConfigs.minimal();
            at(root, "/disasterRecovery/regions/us-east-1/mongodb")
                    .put("url", "mongodb://127.0.0.1:" + relay.port() + "/?directConnection=true")
                    .put("socketTimeoutMs", 1000).put("connectTimeoutMs", 2000);
            MongoConfig config = TestConfigs.load(root).primaryRegion().requireMongodb();

            try (MongoClient client = MongoClientFactory.create(config)) {
                assertThat(client.getDatabase("admin").runCommand(new Document("ping", 1)).get("ok")).isEqualTo(1.0);
                relay.stopAnswering();

                CompletableFuture<Document> stalled = CompletableFuture.supplyAsync(
                        () -> client.getDatabase("admin").runCommand(new Document("ping", 1)));

                assertThatThrownBy(() -> stalled.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(MongoSocketReadTimeoutException.class);
            }
        }
    }

    /** Passes bytes between a client and a server until told to drop the server's answers. */
    private static final class Relay implements AutoCloseable {

        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean answering = true;

        Relay(int target) throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!listener.isClosed()) {
                        Socket client = listener.accept();
                        Socket server = new Socket("127.0.0.1", target);
                        sockets.add(client);
                        sockets.add(server);
                        pump(client.getInputStream(), server.getOutputStream(), true);
                        pump(server.getInputStream(), client.getOutputStream(), false);
                    }
                } catch (IOException closed) {
                    // the relay was closed
                }
            }, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        void stopAnswering() {
            answering = false;
        }

        private void pump(InputStream in, OutputStream out, boolean request) {
            Thread pump = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        if (request || answering) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    }
                } catch (IOException closed) {
                    // one side closed the connection
                }
            }, "relay-pump");
            pump.setDaemon(true);
            pump.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
