package io.devflow.dr.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.config.ApiRole;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.Leaders;
import io.devflow.dr.testing.TestEnvironment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API of dr server as it runs (every route, the gate in front of them, real MongoDB and S3 servers per
 * region) called with generated requests: every endpoint with every role, the wrong token or none, valid bodies
 * mutated, random JSON, text that is not JSON, oversized bodies, odd methods, paths (unknown segments, encodings,
 * traversal, very long), headers (Authorization twice or garbled, Content-Type variants, huge headers). Whatever
 * is sent, the answer comes within a bound, is a 2xx or a 4xx, every error is the API's JSON body with the same
 * status, no answer shows a stack trace or a class name, a call the token's role does not allow never succeeds, a
 * body refused for one field names it, and the server is healthy afterwards.
 */
class ApiFuzzIT {

    private static final String ADMIN = "fuzz-admin-token-0123456789abcdef0123456789";
    private static final String OPERATOR = "fuzz-operator-token-0123456789abcdef012345";
    private static final String VIEWER = "fuzz-viewer-token-0123456789abcdef01234567";
    private static final Map<ApiRole, String> TOKENS = Map.of(ApiRole.ADMIN, ADMIN, ApiRole.OPERATOR, OPERATOR,
            ApiRole.VIEWER, VIEWER);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);
    /**
     * What Vert.x's HTTP codec answers, with an empty body, to a request line over 4 KiB, headers over 8 KiB or a
     * malformed header: platform-http creates and starts the server in one step, and the server's handler of such
     * requests can only be set before it listens.
     */
    private static final List<Integer> CODEC_REFUSALS = List.of(400, 414, 431);

    /** An operation: method, path ({id} for an identifier), the role it needs (null: none) and a valid body. */
    private record Endpoint(String method, String path, ApiRole role, String body) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/backups", ApiRole.OPERATOR, "{\"type\":\"full\",\"store\":\"mongodb\",\"region\":\"us-east-1\"}"),
            new Endpoint("GET", "/api/backups", ApiRole.VIEWER, null),
            new Endpoint("GET", "/api/backups/" + BackupId.EXAMPLE, ApiRole.VIEWER, null),
            new Endpoint("GET", "/api/backups/" + BackupId.EXAMPLE + "/manifest", ApiRole.VIEWER, null),
            new Endpoint("POST", "/api/backups/" + BackupId.EXAMPLE + "/verify", ApiRole.OPERATOR, "{\"level\":\"quick\"}"),
            new Endpoint("GET", "/api/whoami", ApiRole.VIEWER, null),
            new Endpoint("GET", "/api/audit", ApiRole.VIEWER, null),
            new Endpoint("GET", "/api/replication/lag", ApiRole.VIEWER, null),
            new Endpoint("GET", "/console/", null, null),
            new Endpoint("POST", "/api/retention", ApiRole.OPERATOR, "{\"dryRun\":true}"),
            new Endpoint("GET", "/api/status", ApiRole.VIEWER, null),
            new Endpoint("POST", "/api/replication/start", ApiRole.OPERATOR, "{\"store\":\"mongodb\"}"),
            new Endpoint("POST", "/api/replication/stop", ApiRole.OPERATOR, "{\"store\":\"mongodb\"}"),
            new Endpoint("GET", "/api/conflicts", ApiRole.VIEWER, null),
            new Endpoint("GET", "/api/conflicts/" + ConflictId.EXAMPLE, ApiRole.VIEWER, null),
            new Endpoint("POST", "/api/conflicts/" + ConflictId.EXAMPLE + "/resolve", ApiRole.OPERATOR, "{\"resolution\":\"source\"}"),
            new Endpoint("GET", "/api/openapi.json", null, null),
            new Endpoint("GET", "/observe/health", null, null),
            new Endpoint("GET", "/observe/metrics", null, null),
            new Endpoint("GET", "/observe/jolokia/read/java.lang:type=Runtime/Uptime", ApiRole.VIEWER, null));

    /** Beyond the answer's own bound: a request the server never answers fails on that, this is for a hang of ours. */
    private static final Duration CASE_LIMIT = Duration.ofSeconds(30);

    private static Path dir;
    private static TestEnvironment env;
    private static DrServices services;
    private static DrRuntime runtime;
    private static int port;

    /**
     * A generated request: its bytes, and what the properties need to know of it.
     *
     * @param well   method and path are the endpoint's own
     * @param role   the role of the token sent, null for none or a wrong one
     * @param field  the one field of a valid body that was changed, if any
     * @param value  the text it was given, if it was given text
     * @param unparsable the request line or headers break HTTP's limits or syntax, which the HTTP codec refuses
     *                   before any handler of ours sees the request
     * @param foreignHost the {@code Host} names no loopback address, which Jolokia refuses before it looks at the token
     */
    record Request(Endpoint endpoint, byte[] bytes, boolean well, ApiRole role, boolean json, String field, String value,
                   boolean unparsable, boolean foreignHost, String made) {

        @Override
        public String toString() {
            return "// " + made + "\nRawHttp.send(port, (" + Cases.javaText(new String(bytes, StandardCharsets.ISO_8859_1))
                    + ").getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(15));";
        }
    }

    @BeforeContainer
    static void startServer() throws Exception {
        dir = Cases.scratch("api-fuzz");
        env = TestEnvironment.start(dir, dr -> {
            ((ObjectNode) dr.get("backup")).putObject("incremental").put("captureWorker", false);
            dr.putObject("replication").put("source", EAST).put("conflictResolution", "manual")
                    .putArray("targets").add(WEST);
            ObjectNode api = (ObjectNode) dr.get("api");
            api.remove("token");
            var tokens = api.putArray("tokens");
            TOKENS.forEach((role, token) -> tokens.addObject().put("name", "fuzz-" + role.id()).put("role", role.id())
                    .put("token", "${file:" + TestEnvironment.tokenFile(dir, token) + "}"));
        }, EAST, WEST);
        port = env.config().api().port();
        services = env.services();
        runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of());
        Leaders.awaitLeading(services);
        assertHealthy();
    }

    @AfterContainer
    static void stopServer() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (env != null) {
            env.close();
        }
        Cases.delete(dir);
    }

    @Property
    void shouldAnswerAnyRequestInTimeWithA2xxOr4xxAndErrorsAsJson(@ForAll("requests") Request request) throws Exception {
        Cases.within(CASE_LIMIT, request, () -> {
            RawHttp.Response response = RawHttp.send(port, request.bytes(), ANSWER_WITHIN);
            String shown = response.toString();
            assertThat(response.status()).as(shown).isBetween(200, 499);
            String path = request.endpoint().path();
            boolean ours = path.startsWith("/api/") && !path.equals("/api/openapi.json");
            if (response.status() >= 400 || ours) {
                assertThat(response.text()).as(shown).doesNotContain("\tat ", "Exception", "Caused by")
                        .doesNotContainPattern("\\b(java|javax|io\\.devflow|io\\.vertx|io\\.netty|org\\.apache|com\\.fasterxml)\\.[a-z]+\\.");
            }
            if (request.unparsable() && CODEC_REFUSALS.contains(response.status()) && response.body().length == 0) {
                return;
            }
            if (response.status() >= 400 && !isHead(request)) {
                assertThat(response.header("content-type")).as(shown).hasValueSatisfying(t ->
                        assertThat(t).startsWith("application/json"));
                JsonNode error = Json.MAPPER.readTree(response.text());
                assertThat(error.path("status").asInt()).as(shown).isEqualTo(response.status());
                assertThat(error.path("error").asText()).as(shown).isNotBlank();
                if (response.status() == 400 && request.field() != null) {
                    // a conflict's resolution is refused naming the choices and the value given (ReplicationApiTest)
                    String named = request.field().equals("resolution") && request.value() != null
                            && error.path("error").asText().startsWith("resolve a conflict with") ? request.value() : request.field();
                    assertThat(error.path("error").asText()).as("the error names the field\n" + shown).contains(named);
                }
            }
            ApiRole needed = request.endpoint().role();
            if (request.well() && request.foreignHost() && path.startsWith("/observe/jolokia")) {
                assertThat(response.status()).as("Jolokia addressed to another host\n" + shown).isEqualTo(403);
            } else if (request.well() && needed != null && (request.role() == null || !request.role().allows(needed))) {
                assertThat(response.status()).as("a call the token may not make\n" + shown)
                        .isEqualTo(request.role() == null ? 401 : 403);
            }
        });
    }

    /** Whatever the requests before, the server still answers its health check and a call of every role. */
    @AfterProperty
    void stillHealthy() throws Exception {
        assertHealthy();
    }

    @Provide
    Arbitrary<Request> requests() {
        return Arbitraries.randomValue(ApiFuzzIT::request);
    }

    private static boolean isHead(Request request) {
        return new String(request.bytes(), 0, Math.min(5, request.bytes().length), StandardCharsets.ISO_8859_1).startsWith("HEAD ");
    }

    /** The server answers its health check and a call of every role after whatever it was sent. */
    private static void assertHealthy() throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        RawHttp.Response health;
        do {
            health = RawHttp.send(port, ("GET /observe/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1), ANSWER_WITHIN);
        } while (health.status() != 200 && Instant.now().isBefore(deadline) && pause());
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        RawHttp.Response status = RawHttp.send(port, ("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + VIEWER + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), ANSWER_WITHIN);
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static Request request(Random random) {
        Endpoint endpoint = Cases.oneOf(random, ENDPOINTS);
        List<String> made = new ArrayList<>();
        String method = endpoint.method();
        String target = endpoint.path();
        boolean well = true;
        if (random.nextInt(8) == 0) {
            method = Cases.oneOf(random, "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
                    "get", "FOO", "G\u00c9T", "POST /api/status");
            well = method.equals(endpoint.method());
            made.add("method " + method);
        }
        if (random.nextInt(4) == 0) {
            target = path(random, target);
            well = false;
            made.add("path");
        } else if (endpoint.method().equals("GET") && endpoint.path().matches("/api/(backups|conflicts)") && random.nextBoolean()) {
            target += query(random);
            made.add("query");
        }
        boolean unparsable = target.length() > 4_000 || method.contains(" ") || !method.matches("\\p{ASCII}*");
        ApiRole role = Cases.oneOf(random, ApiRole.values());
        List<String> headers = new ArrayList<>();
        String host = random.nextInt(20) == 0 ? Cases.oneOf(random, "", "attacker.example", "[::1]:1", "a".repeat(300))
                : "127.0.0.1:" + port;
        headers.add("Host: " + host);
        boolean foreignHost = !host.startsWith("127.0.0.1:") && !host.startsWith("[::1]:");
        if (!host.startsWith("127.0.0.1:")) {
            made.add("host");
        }
        switch (random.nextInt(12)) {
            case 0 -> {
                role = null;
                made.add("no token");
            }
            case 1 -> {
                role = null;
                String garbage = Cases.oneOf(random, "Bearer", "Bearer ", "Bearer wrong", "Basic YWRtaW46YWRtaW4=",
                        "bearer " + ADMIN.toUpperCase(), "Bearer " + ADMIN + "x", "Bearer " + ADMIN.substring(1),
                        "Bearer  " + ADMIN + " extra", "Token " + ADMIN, "Bearer " + "x".repeat(6_000), "\u00ff\u00fe",
                        "Bearer " + ADMIN.substring(0, 10) + "\u0000" + ADMIN.substring(10));
                headers.add("Authorization: " + garbage);
                made.add("garbled token");
            }
            case 2 -> {
                headers.add("Authorization: Bearer " + TOKENS.get(role));
                headers.add("Authorization: Bearer " + Cases.oneOf(random, "wrong", VIEWER, ADMIN));
                role = null;
                made.add("two tokens");
            }
            default -> headers.add("Authorization: " + Cases.oneOf(random, "Bearer ", "bearer ", "BEARER ") + TOKENS.get(role));
        }
        Body body = body(random, endpoint, made);
        boolean json = true;
        if (body.bytes() != null || random.nextInt(6) == 0) {
            String type = random.nextInt(3) > 0 ? "application/json" : Cases.oneOf(random, null, "application/json; charset=utf-8",
                    "APPLICATION/JSON", "application/problem+json", "text/plain", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "application/json, text/plain", "application/jsonx", "", ";",
                    "application/json; charset=latin1", "\u0001");
            json = type == null || type.equals("application/json") || type.startsWith("application/json;")
                    || type.equals("APPLICATION/JSON") || type.equals("application/problem+json");
            if (type != null) {
                headers.add("Content-Type: " + type);
            }
        }
        if (random.nextInt(10) == 0) {
            String header = Cases.oneOf(random, "X-Fill: " + "a".repeat(random.nextInt(100_000)),
                    "Content-Type: text/plain", "Accept: text/html", "Accept: application/xml", "X-Forwarded-For: 10.0.0.1",
                    "Expect: 100-continue", "Transfer-Encoding: gzip", ": empty", "No-Colon", "X-A: a\r\nX-Smuggled: b",
                    "X-Bin: \u0000\u0001", "X-Utf: \u00e9\u00e8", "Cookie: " + "c=1; ".repeat(2_000));
            headers.add(header);
            unparsable = unparsable || header.length() > 7_000 || header.startsWith("No-Colon") || header.startsWith(": ")
                    || header.startsWith("X-Bin");
            well = well && !header.startsWith("Content-Type") && !header.startsWith("Transfer-Encoding")
                    && !header.startsWith("Expect") && !header.startsWith("No-Colon") && !header.startsWith(": ");
            made.add("header " + header.substring(0, Math.min(30, header.length())));
        }
        for (int i = random.nextInt(30) == 0 ? 300 : 0; i > 0; i--) {
            headers.add("X-Many-" + i + ": " + i);
        }
        unparsable = unparsable || headers.stream().mapToInt(h -> h.length() + 2).sum() > 8_000 || target.contains("\t")
                || headers.stream().anyMatch(h -> h.chars().anyMatch(c -> c < 0x20 && c != '\r' && c != '\n' && c != '\t'));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        if (body.bytes() != null) {
            head.append("Content-Length: ").append(body.bytes().length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body.bytes() != null) {
            bytes.writeBytes(body.bytes());
        }
        String field = well && json && body.field() != null ? body.field() : null;
        return new Request(endpoint, bytes.toByteArray(), well, role, json, field, body.value(), unparsable, foreignHost,
                String.join("; ", made));
    }

    /** A body: the bytes sent (null for none) and the field of the valid body that was changed, if only one was. */
    private record Body(byte[] bytes, String field, String value) {
    }

    private static Body body(Random random, Endpoint endpoint, List<String> made) {
        if (endpoint.body() == null && random.nextInt(5) > 0) {
            return new Body(null, null, null);
        }
        int kind = random.nextInt(20);
        if (endpoint.body() != null && kind < 6) {
            return new Body(endpoint.body().getBytes(StandardCharsets.UTF_8), null, null);
        }
        if (endpoint.body() != null && kind < 14) {
            return fieldChanged(random, endpoint.body(), made);
        }
        made.add("body");
        return new Body(switch (kind) {
            case 14 -> JsonFuzz.write(JsonFuzz.randomJson(random, 3, r -> Cases.oneOf(r, JsonFuzz.ODD_STRINGS)), Map.of())
                    .getBytes(StandardCharsets.UTF_8);
            case 15 -> Cases.oneOf(random, "", " ", "null", "[]", "{}", "{", "not json", "{\"type\":\"full\"} x", "\"full\"",
                    "{\"a\":" .repeat(2_000), "[".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
            case 16 -> {
                byte[] binary = new byte[random.nextInt(2_000)];
                random.nextBytes(binary);
                yield binary;
            }
            case 17 -> ("{\"type\":\"full\",\"store\":\"mongodb\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            case 18 -> "{\"store\":\"mongo\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
            default -> ("{\"store\":\"" + "\\u0000".repeat(random.nextInt(50)) + "\"}").getBytes(StandardCharsets.UTF_8);
        }, null, null);
    }

    /** The valid body with one field of the wrong type, an odd value, or one more field the type does not have. */
    private static Body fieldChanged(Random random, String valid, List<String> made) {
        ObjectNode body;
        try {
            body = (ObjectNode) Json.MAPPER.readTree(valid);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        String field = Cases.oneOf(random, fields);
        switch (random.nextInt(3)) {
            case 0 -> body.set(field, Cases.oneOf(random, List.<JsonNode>of(Json.MAPPER.getNodeFactory().numberNode(1),
                    Json.MAPPER.getNodeFactory().booleanNode(true), Json.MAPPER.createArrayNode().add("mongodb"),
                    Json.MAPPER.getNodeFactory().numberNode(1.5), JsonFuzz.extremeNumber(random))));
            case 1 -> {
                String odd = Cases.oneOf(random, JsonFuzz.ODD_STRINGS);
                if (odd.equals(body.path(field).asText()) || odd.equals("true") || odd.equals("primary")) {
                    odd = "x" + odd;
                }
                body.put(field, odd);
            }
            default -> {
                field = Cases.oneOf(random, "colour", "stores", "dryrun", "Type", "__proto__", "a".repeat(200));
                body.put(field, "x");
            }
        }
        made.add("field " + field);
        String value = body.path(field).isTextual() ? body.path(field).asText().strip() : null;
        return new Body(Json.MAPPER.createObjectNode().setAll(body).toString().getBytes(StandardCharsets.UTF_8), field,
                value == null || value.length() <= 40 ? value : value.substring(0, 40));
    }

    private static String path(Random random, String path) {
        return switch (random.nextInt(10)) {
            case 0 -> path + "/" + Cases.oneOf(random, "x", "..", ".", "%2e%2e", "%2F", "%00", "%zz", "%", "~", "\u00e9");
            case 1 -> path.replace("/api/", Cases.oneOf(random, "/api/../api/", "//api//", "/api/./", "/API/", "/api%2F",
                    "/%61pi/", "/api/%2e%2e/api/"));
            case 2 -> path + "/" + "a".repeat(1 + random.nextInt(random.nextBoolean() ? 10_000 : 100_000));
            case 3 -> "/api/backups/" + Cases.oneOf(random, "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "backup-full-",
                    "backup-full-20261399-250000-abcdef", BackupId.EXAMPLE.toUpperCase(), "%3Cscript%3E", "%FF%FE", "%C0%AF",
                    "null", "-1", "a".repeat(300));
            case 4 -> "/api/conflicts/" + Cases.oneOf(random, "../status", "conflict-", "%00", "x".repeat(5_000),
                    ConflictId.EXAMPLE + "%0d%0aX:y") + "/resolve";
            case 5 -> path + Cases.oneOf(random, "?", "#frag", "?a=%zz", "?store=%00", "?" + "a=1&".repeat(5_000), ";jsessionid=1", "/");
            case 6 -> Cases.oneOf(random, "*", "http://127.0.0.1/api/status", "api/status", "/", "/..", "/console",
                    "/observe", "/observe/jolokia/exec/java.lang:type=Memory/gc", "/observe/jolokia/write/x", "//", "/%");
            case 7 -> path.toUpperCase();
            case 8 -> path + "\t";
            default -> "/nowhere/" + Cases.oneOf(random, JsonFuzz.ODD_STRINGS).replace(" ", "%20").replace("\r", "").replace("\n", "");
        };
    }

    private static String query(Random random) {
        List<String> params = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            String name = Cases.oneOf(random, "store", "region", "status", "limit", "colour", "");
            String value = Cases.oneOf(random, "mongodb", "redis", "us-east-1", "us-west-9", "open", "resolved", "all",
                    "closed", "1", "0", "-1", "99999999999", "abc", "", "%00", "%zz", "%E2%82%AC", "+", "a".repeat(2_000));
            params.add(name + "=" + value);
        }
        return "?" + String.join("&", params);
    }
}
