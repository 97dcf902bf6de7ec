package io.devflow.dr.store.influxdb;

import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.Secret;
import io.devflow.dr.support.RemoteOperationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server that stops sending in the middle of a streamed answer (as behind a network partition): the read
 * is cut off after the configured timeout with a message naming the server, instead of waiting for ever.
 * The peer is a plain socket that answers the first chunk of a query and then holds the connection open.
 */
class InfluxHttpStallTest {

    private ServerSocket server;
    private final CountDownLatch release = new CountDownLatch(1);
    private Thread peer;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        peer = new Thread(this::answerThenStall, "stalling-peer");
        peer.setDaemon(true);
        peer.start();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        server.close();
        peer.join(5_000);
    }

    @Test
    void shouldCutOffAnAnswerThatStopsComing() {
        InfluxHttp http = new InfluxHttp(new InfluxConfig(Secret.literal("url", "http://127.0.0.1:" + server.getLocalPort()),
                1, List.of("metrics"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(),
                Duration.ofSeconds(1)));
        long started = System.nanoTime();

        try (InfluxHttp.Rows rows = http.stream("metrics", "SELECT * FROM cpu")) {
            assertThat(rows.next().path("name").asText()).as("the first chunk arrives").isEqualTo("cpu");
            assertThatThrownBy(rows::hasNext).isInstanceOf(RemoteOperationException.class)
                    .hasMessage("InfluxDB http://127.0.0.1:" + server.getLocalPort() + " answering SELECT * FROM cpu "
                            + "sent nothing for 1 s and was cut off; check the network to it");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    private void answerThenStall() {
        try (Socket socket = server.accept()) {
            byte[] request = new byte[8192];
            socket.getInputStream().read(request);
            String chunk = "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\",\"columns\":[\"time\",\"v\"],"
                    + "\"values\":[[1,1]]}],\"partial\":true}]}\n";
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + chunk + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            release.await(60, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }
}
