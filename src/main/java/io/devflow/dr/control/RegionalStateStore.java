package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.RemoteOperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Control-plane state kept in every region's bucket, under {@code <prefix>/control/}: every write goes to all
 * regions, a read takes the copy with the highest revision among the regions that answer. With one region
 * down, reads and writes go on in the others; a region that missed writes is brought up to date the next
 * time a document it holds an old copy of is read.
 *
 * <p>Two writers racing on the same document can both pick the same next revision; the documents written
 * here have one writer each (the server for its checkpoints and reports, an operator for a decision), so
 * the last one wins, as it would on any single object.
 */
public final class RegionalStateStore implements StateStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegionalStateStore.class);
    private static final String FOLDER = "control/";
    private static final long WAIT_SECONDS = 30;

    private final RegionDirectory regions;
    private final Clock clock;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "dr-state");
        thread.setDaemon(true);
        return thread;
    });

    public RegionalStateStore(RegionDirectory regions, Clock clock) {
        this.regions = regions;
        this.clock = clock;
    }

    @Override
    public Optional<StateDocument> read(String path) {
        Map<RegionContext, Result<Optional<StateDocument>>> copies = inEveryRegion(
                region -> region.objectStore().getBytes(key(region, path)).map(bytes -> decode(path, bytes)));
        Optional<StateDocument> newest = copies.values().stream()
                .filter(Result::ok).map(Result::value).flatMap(Optional::stream)
                .max(Comparator.comparingLong(StateDocument::revision).thenComparing(StateDocument::updatedAt));
        if (copies.values().stream().noneMatch(Result::ok)) {
            throw unreachable("reading " + path, copies);
        }
        newest.ifPresent(current -> copies.forEach((region, copy) -> {
            if (copy.ok() && copy.value().map(c -> c.revision() < current.revision()).orElse(true)) {
                repair(region, current);
            }
        }));
        return newest;
    }

    @Override
    public StateDocument write(String path, JsonNode content) {
        long revision = readQuietly(path).map(StateDocument::revision).orElse(0L) + 1;
        StateDocument document = new StateDocument(path, revision, clock.instant(), content);
        byte[] bytes = encode(document);
        Map<RegionContext, Result<Boolean>> writes = inEveryRegion(region -> {
            region.objectStore().put(key(region, path), bytes, "application/json");
            return true;
        });
        if (writes.values().stream().noneMatch(Result::ok)) {
            throw unreachable("writing " + path, writes);
        }
        writes.forEach((region, result) -> {
            if (!result.ok()) {
                LOG.warn("control state {} not written to region {} ({}); it is copied there when next read",
                        path, region.id(), Failures.describe(result.error()));
            }
        });
        return document;
    }

    @Override
    public void delete(String path) {
        Map<RegionContext, Result<Boolean>> deletes = inEveryRegion(region -> {
            region.objectStore().delete(key(region, path));
            return true;
        });
        if (deletes.values().stream().noneMatch(Result::ok)) {
            throw unreachable("deleting " + path, deletes);
        }
    }

    @Override
    public List<String> list(String folder) {
        String relative = folder.endsWith("/") ? folder : folder + "/";
        Map<RegionContext, Result<List<String>>> listings = inEveryRegion(region -> {
            String prefix = key(region, relative);
            List<String> names = new ArrayList<>();
            for (ObjectStore.ObjectInfo object : region.objectStore().list(prefix)) {
                String rest = object.key().substring(prefix.length());
                if (!rest.contains("/") && rest.endsWith(".json")) {
                    names.add(relative + rest.substring(0, rest.length() - ".json".length()));
                }
            }
            return names;
        });
        if (listings.values().stream().noneMatch(Result::ok)) {
            throw unreachable("listing " + folder, listings);
        }
        TreeSet<String> all = new TreeSet<>();
        listings.values().stream().filter(Result::ok).forEach(r -> all.addAll(r.value()));
        return new ArrayList<>(all);
    }

    private Optional<StateDocument> readQuietly(String path) {
        try {
            return read(path);
        } catch (RemoteOperationException e) {
            return Optional.empty();
        }
    }

    private void repair(RegionContext region, StateDocument current) {
        try {
            region.objectStore().put(key(region, current.path()), encode(current), "application/json");
        } catch (RuntimeException e) {
            LOG.debug("control state {} could not be copied to region {}: {}", current.path(), region.id(),
                    Failures.describe(e));
        }
    }

    private static String key(RegionContext region, String path) {
        String prefix = region.config().storage().prefix();
        return (prefix.isEmpty() ? "" : prefix + "/") + FOLDER + (path.endsWith("/") ? path : path + ".json");
    }

    private record Result<T>(T value, Exception error) {
        boolean ok() {
            return error == null;
        }
    }

    private <T> Map<RegionContext, Result<T>> inEveryRegion(Function<RegionContext, T> operation) {
        Map<RegionContext, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (RegionContext region : regions.all()) {
            futures.put(region, CompletableFuture.supplyAsync(() -> operation.apply(region), executor));
        }
        Map<RegionContext, Result<T>> results = new LinkedHashMap<>();
        futures.forEach((region, future) -> {
            try {
                results.put(region, new Result<>(future.get(WAIT_SECONDS, TimeUnit.SECONDS), null));
            } catch (ExecutionException e) {
                results.put(region, new Result<>(null, e.getCause() instanceof Exception c ? c : e));
            } catch (TimeoutException e) {
                future.cancel(true);
                results.put(region, new Result<>(null, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.put(region, new Result<>(null, e));
            }
        });
        return results;
    }

    private static RemoteOperationException unreachable(String what, Map<RegionContext, ? extends Result<?>> results) {
        List<String> reasons = new ArrayList<>();
        results.forEach((region, result) -> reasons.add(region.id() + ": " + Failures.describe(result.error())));
        return new RemoteOperationException(what + " in the control state failed in every region ("
                + String.join("; ", reasons) + ")", results.values().iterator().next().error(), true);
    }

    private static byte[] encode(StateDocument document) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("revision", document.revision());
        node.put("updatedAt", document.updatedAt().toString());
        node.set("content", document.content());
        return Json.bytes(node);
    }

    private static StateDocument decode(String path, byte[] bytes) {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return new StateDocument(path, node.path("revision").asLong(), Instant.parse(node.path("updatedAt").asText()),
                    node.get("content"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("control state " + path + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
