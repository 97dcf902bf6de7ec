package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.failover.FailoverPlan;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The failover API of the {@code dr server} that leads, as {@code dr failover} calls it: the failover runs there,
 * where the leader's fences, routing and term are, and this command follows its record.
 */
final class FailoverClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What the server answered to a POST: a plan (dry run) or a record (started or refused). */
    record Answer(int status, FailoverPlan plan, FailoverRecord record) {
    }

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    FailoverClient(String apiUrl, String token) {
        this.base = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.token = token;
    }

    /** Whether a server answers at the address at all (its health endpoint needs no token). */
    boolean answers() {
        try {
            http.send(HttpRequest.newBuilder(base.resolve("observe/health")).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Answer post(String target, String reason, boolean force, boolean dryRun) {
        String body = Json.MAPPER.createObjectNode().put("target", target).put("reason", reason).put("force", force)
                .put("dryRun", dryRun).toString();
        HttpResponse<String> response = send(authorized("api/failovers").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        JsonNode answer = read(response);
        try {
            return switch (response.statusCode()) {
                case 200 -> new Answer(200, Json.MAPPER.treeToValue(answer, FailoverPlan.class), null);
                case 202, 409, 422 -> answer.has("plan")
                        ? new Answer(response.statusCode(), null, Json.MAPPER.treeToValue(answer, FailoverRecord.class))
                        : refuse(response, answer);
                default -> refuse(response, answer);
            };
        } catch (IOException e) {
            throw new OperationFailedException("the server at " + base + " answered a failover it cannot be read: "
                    + e.getMessage());
        }
    }

    FailoverRecord get(String id) {
        HttpResponse<String> response = send(authorized("api/failovers/" + id).GET().build());
        JsonNode answer = read(response);
        if (response.statusCode() != 200) {
            refuse(response, answer);
        }
        return Json.MAPPER.convertValue(answer, FailoverRecord.class);
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OperationFailedException("the leading dr server at " + base + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted while calling the leading dr server at " + base);
        }
    }

    private JsonNode read(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new OperationFailedException("the server at " + base + " answered HTTP " + response.statusCode()
                    + " with a body that is not JSON");
        }
    }

    private Answer refuse(HttpResponse<String> response, JsonNode answer) {
        String error = answer.path("error").asText("HTTP " + response.statusCode());
        if (response.statusCode() == 401 || response.statusCode() == 403 || response.statusCode() == 400
                || response.statusCode() == 404) {
            throw new UsageException("the leading dr server at " + base + " refused: " + error);
        }
        throw new OperationFailedException("the leading dr server at " + base + " answered HTTP "
                + response.statusCode() + ": " + error);
    }
}
