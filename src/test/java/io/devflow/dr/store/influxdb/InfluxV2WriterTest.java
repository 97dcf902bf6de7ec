package io.devflow.dr.store.influxdb;

import com.influxdb.client.InfluxDBClientFactory;
import com.sun.net.httpserver.HttpServer;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The v2-native write path, which no InfluxDB 2 server here can exercise: a recording HTTP endpoint on
 * loopback checks what the writer sends (path, organisation, bucket, precision, token, line protocol) and
 * answers with the statuses InfluxDB 2 uses.
 */
class InfluxV2WriterTest {

    record Request(String method, String path, String query, String authorization, String body) {
    }

    HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile int status = 204;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = gunzip(body);
            }
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(body, StandardCharsets.UTF_8)));
            byte[] answer = status == 204 ? new byte[0] : "{\"code\":\"unauthorized\",\"message\":\"nope\"}".getBytes();
            exchange.sendResponseHeaders(status, status == 204 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void shouldWriteLineProtocolToTheMappedBucketWithTheToken() {
        try (InfluxV2Writer writer = writer()) {
            writer.prepare("metrics");
            writer.write("metrics", List.of("cpu,host=a usage=0.5 1700000000000000001", "cpu,host=b usage=1 1700000000000000002"));
        }

        assertThat(requests).hasSize(1);
        Request request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v2/write");
        assertThat(request.query()).contains("org=devflow").contains("bucket=metrics-long-term").contains("precision=ns");
        assertThat(request.authorization()).isEqualTo("Token secret-token");
        assertThat(request.body()).isEqualTo("cpu,host=a usage=0.5 1700000000000000001\ncpu,host=b usage=1 1700000000000000002");
    }

    @Test
    void shouldReportARefusedTokenAsAPermanentFailureNamingTheBucket() {
        status = 401;
        try (InfluxV2Writer writer = writer()) {
            assertThatThrownBy(() -> writer.write("metrics", List.of("cpu usage=1 1")))
                    .isInstanceOf(RemoteOperationException.class)
                    .hasMessageContaining("bucket metrics-long-term of org devflow")
                    .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());
        }
    }

    @Test
    void shouldSayThatAMissingBucketMustBeCreated() {
        status = 404;
        try (InfluxV2Writer writer = writer()) {
            assertThatThrownBy(() -> writer.write("metrics", List.of("cpu usage=1 1")))
                    .isInstanceOf(RemoteOperationException.class)
                    .hasMessageContaining("bucket metrics-long-term of org devflow")
                    .hasMessageContaining("the bucket does not exist; create it")
                    .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());
        }
    }

    @Test
    void shouldReportAnUnavailableServerAsTransient() {
        status = 503;
        try (InfluxV2Writer writer = writer()) {
            assertThatThrownBy(() -> writer.write("metrics", List.of("cpu usage=1 1")))
                    .isInstanceOf(RemoteOperationException.class)
                    .satisfies(e -> assertThat(Failures.isTransient(e)).isTrue());
        }
    }

    private InfluxV2Writer writer() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Map<String, String> buckets = Map.of("metrics", "metrics-long-term");
        return new InfluxV2Writer(InfluxDBClientFactory.create(url, "secret-token".toCharArray(), "devflow"), "devflow",
                db -> buckets.getOrDefault(db, db), "InfluxDB " + url);
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body));
             ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
