package io.devflow.dr.failover.fencing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.FencingConfig.FenceHook;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.HookHttp;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Fences a store that cannot refuse writes on its own (MongoDB, InfluxDB) through the platform's hook: a command run
 * with the region and {@code fence} or {@code lift} as its last two arguments (exit code 0 within the timeout), or a
 * URL POSTed {@code {"region", "action", "store"}} (a 2xx answer within the timeout). What the hook does (revoke the
 * application's write role, scale writers to zero, flip a proxy) is the platform's business; this class only knows
 * whether it said yes in time. Without a hook, or when the hook fails, the fence says so as residual risk: the
 * failover goes on and its record tells what could still be written at the source. A hook's fence does not lapse by
 * itself, so renewing it is a no-op, and lifting it runs the hook again with {@code lift}. A rollback also lifts a fence
 * whose hook never answered (its controller stopped while the hook ran), so a hook's lift must succeed where nothing
 * is fenced.
 */
public final class HookFence implements StoreFence {

    private final StoreKind store;
    private final Optional<FenceHook> hook;
    private final Predicate<RegionId> configured;

    /**
     * @param configured whether a region has this store at all (one without it has nothing to fence)
     */
    public HookFence(StoreKind store, Optional<FenceHook> hook, Predicate<RegionId> configured) {
        this.store = store;
        this.hook = hook;
        this.configured = configured;
    }

    @Override
    public StoreKind store() {
        return store;
    }

    @Override
    public Fence fence(RegionId region, Duration hold) {
        if (!configured.test(region)) {
            return Fences.nothingToFence(store, region);
        }
        String notStopped = "writes to " + Fences.displayName(store) + " in " + region.value() + " are not stopped: ";
        if (hook.isEmpty()) {
            return new Fence(store, region.value(), false, "none", notStopped + "no fence hook configured "
                    + "(recovery.failover.fencing." + store.id() + ".hook)", null, null);
        }
        try {
            run(region, "fence");
            return new Fence(store, region.value(), true, method(), null, null, details());
        } catch (HookFailedException e) {
            return new Fence(store, region.value(), false, method(), notStopped + e.getMessage(), null, details());
        }
    }

    /** A hook's fence holds until it is lifted. */
    @Override
    public Fence renew(Fence fence, Duration hold) {
        return fence;
    }

    @Override
    public void lift(Fence fence) {
        if (!fence.fenced() || hook.isEmpty()) {
            return;
        }
        try {
            run(RegionId.of(fence.region()), "lift");
        } catch (HookFailedException e) {
            throw new IllegalStateException("the fence of " + Fences.displayName(store) + " in " + fence.region()
                    + " was not lifted: " + e.getMessage() + "; lift it by hand", e);
        }
    }

    private String method() {
        return hook.orElseThrow().url().isPresent() ? "hook POST " + display(hook.get().url().get())
                : "hook " + hook.get().command().get(0);
    }

    private ObjectNode details() {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("hook", method());
        details.put("timeoutSeconds", hook.orElseThrow().timeout().toSeconds());
        return details;
    }

    private void run(RegionId region, String action) throws HookFailedException {
        FenceHook h = hook.orElseThrow();
        if (h.url().isPresent()) {
            post(h.url().get(), h.timeout(), region, action);
        } else {
            execute(h.command(), h.timeout(), region, action);
        }
    }

    private void execute(List<String> command, Duration timeout, RegionId region, String action)
            throws HookFailedException {
        List<String> line = new ArrayList<>(command);
        line.add(region.value());
        line.add(action);
        Process process;
        try {
            // the hook's output is the platform's; it is not read, so it cannot fill a pipe and stall the hook
            process = new ProcessBuilder(line).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new HookFailedException("the fence hook " + command.get(0) + " could not be started ("
                    + Fences.reason(e) + ")");
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new HookFailedException("the fence hook " + command.get(0) + " did not finish within "
                        + timeout.toSeconds() + " s and was stopped");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HookFailedException("interrupted while the fence hook " + command.get(0) + " ran");
        }
        if (process.exitValue() != 0) {
            throw new HookFailedException("the fence hook " + command.get(0) + " exited with " + process.exitValue());
        }
    }

    private void post(URI url, Duration timeout, RegionId region, String action) throws HookFailedException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("region", region.value());
        body.put("action", action);
        body.put("store", store.id());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        int status;
        try {
            status = HookHttp.client().sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new HookFailedException("the fence hook at " + display(url) + " did not answer within "
                    + timeout.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new HookFailedException("the fence hook at " + display(url) + " could not be called ("
                    + Fences.reason(e.getCause()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HookFailedException("interrupted while calling the fence hook at " + display(url));
        }
        if (status / 100 != 2) {
            throw new HookFailedException("the fence hook at " + display(url) + " answered HTTP " + status);
        }
    }

    /** Scheme, host, port and path: a hook's URL may carry a token in its query or user info. */
    private static String display(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + Optional.ofNullable(url.getRawPath()).orElse("");
    }

    private static final class HookFailedException extends Exception {
        HookFailedException(String message) {
            super(message);
        }
    }
}
