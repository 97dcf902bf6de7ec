package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.RecoveryPlansConfig.Hook;
import io.devflow.dr.support.HookHttp;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plan's hook: a command with the plan id and the target region as its last two arguments (exit code 0 within
 * the timeout), or a POST of {@code {"planId", "region", "hook"}} to a URL (a 2xx answer within the timeout). What
 * the hook does (deploy the applications, switch the load balancer, run a smoke test) is the platform's business.
 */
final class PlanHooks {


    /** @return what the hook answered, for the step's record */
    String run(Hook hook, String planId, String region) {
        return hook.url().isPresent() ? post(hook, hook.url().get(), planId, region) : execute(hook, planId, region);
    }

    private String execute(Hook hook, String planId, String region) {
        List<String> line = new ArrayList<>(hook.command());
        line.add(planId);
        line.add(region);
        Process process;
        try {
            // the hook's output is the platform's and is not read, so it cannot fill a pipe and stall the hook
            process = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("the hook " + hook.name() + " could not start " + hook.command().get(0)
                    + " (" + e.getMessage() + "); fix recovery.plans.hooks and run 'dr recover resume " + planId + "'");
        }
        try {
            if (!process.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the hook " + hook.name() + " did not finish within "
                        + hook.timeout().toSeconds() + " s and was stopped");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the hook " + hook.name() + " ran");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the hook " + hook.name() + " (" + hook.command().get(0) + ") exited with "
                    + process.exitValue());
        }
        return hook.command().get(0) + " exited with 0";
    }

    private String post(Hook hook, URI url, String planId, String region) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("planId", planId);
        body.put("region", region);
        body.put("hook", hook.name());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(hook.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        String shown = url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + url.getPath();
        int status;
        try {
            status = HookHttp.client().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (HttpTimeoutException e) {
            throw new IllegalStateException("the hook " + hook.name() + " (POST " + shown + ") did not answer within "
                    + hook.timeout().toSeconds() + " s");
        } catch (IOException e) {
            throw new IllegalStateException("the hook " + hook.name() + " (POST " + shown + ") failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the hook " + hook.name() + " ran");
        }
        if (status / 100 != 2) {
            throw new IllegalStateException("the hook " + hook.name() + " (POST " + shown + ") answered HTTP " + status);
        }
        return "POST " + shown + " answered " + status;
    }
}
