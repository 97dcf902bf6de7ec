package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.crypto.tink.Mac;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Control-plane state kept in every region's bucket, under {@code <prefix>/control/}: every write goes to all
 * regions, a read takes the newest authenticated copy among the regions that answer. With one region down, reads
 * and writes go on in the others; a region that missed writes gets the newest authenticated copy the next time
 * the document is read.
 *
 * <p>Every copy is signed with the deployment's control key ({@link SealedDocument}); a copy that is not (forged,
 * altered, or of the format before signatures) is refused, counted, and never used or copied. A write reads the
 * document first and is conditional on each region's copy being still the one read ({@code If-Match} on its ETag,
 * {@code If-None-Match: *} where there was none), so two writers cannot both take the same revision in a bucket.
 * A leader's write ({@link WriteAuthority.Stamp#leader()}) is refused when the document was already written by a
 * later term: a deposed leader cannot overwrite what its successor wrote. An operator's write that loses a race is
 * retried on a fresh read.
 */
public final class RegionalStateStore implements StateStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegionalStateStore.class);
    private static final String FOLDER = "control/";
    private static final long WAIT_SECONDS = 30;
    private static final int OPERATOR_ATTEMPTS = 3;

    /** Told of every stored copy that is refused (for the {@code dr_control_documents_rejected_total} counter). */
    public interface Rejections {
        void rejected(RegionId region, String path, String reason);
    }

    private final RegionDirectory regions;
    private final ControlKeys keys;
    private final WriteAuthority authority;
    private final Rejections rejections;
    private final Clock clock;
    /** Copies already reported, by region, path and ETag: each bad copy is logged and counted once. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "dr-state");
        thread.setDaemon(true);
        return thread;
    });

    public RegionalStateStore(RegionDirectory regions, ControlKeys keys, WriteAuthority authority, Rejections rejections,
                              Clock clock) {
        this.regions = regions;
        this.keys = keys;
        this.authority = authority;
        this.rejections = rejections;
        this.clock = clock;
    }

    /** One region's copy of a document: absent, authenticated, or refused. */
    private record Copy(String etag, byte[] bytes, SealedDocument.Decoded decoded) {

        static final Copy ABSENT = new Copy(null, null, null);

        Optional<SealedDocument.Body> body() {
            return decoded instanceof SealedDocument.Verified v ? Optional.of(v.body()) : Optional.empty();
        }
    }

    @Override
    public Optional<StateDocument> read(String path) {
        return readCopies(path).newest().map(SealedDocument.Body::document);
    }

    @Override
    public StateDocument write(String path, JsonNode content) {
        return update(path, current -> content);
    }

    @Override
    public StateDocument update(String path, Function<Optional<StateDocument>, JsonNode> change) {
        int attempts = authority.stamp().leader() ? 1 : OPERATOR_ATTEMPTS;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Copies copies = readCopies(path);
            Optional<SealedDocument.Body> current = copies.newest();
            JsonNode content = change.apply(current.map(SealedDocument.Body::document));
            Optional<StateDocument> written = writeOver(copies, path, content, authority);
            if (written.isPresent()) {
                return written.get();
            }
        }
        throw new StateConflictException("control state " + path + " was changed by another writer while this one "
                + "changed it (" + attempts + " attempt(s)); nothing was overwritten, try again");
    }

    /**
     * Writes the document only if its newest authenticated revision is {@code expectedRevision} (0: it does not
     * exist), stamped as given; empty when another writer got there first.
     */
    Optional<StateDocument> compareAndSet(String path, long expectedRevision, JsonNode content, WriteAuthority.Stamp stamp) {
        Copies copies = readCopies(path);
        long current = copies.newest().map(SealedDocument.Body::revision).orElse(0L);
        return current != expectedRevision ? Optional.empty() : writeOver(copies, path, content, () -> stamp);
    }

    private Optional<StateDocument> writeOver(Copies copies, String path, JsonNode content, WriteAuthority writer) {
        WriteAuthority.Stamp stamp = writer.stamp();
        Optional<SealedDocument.Body> current = copies.newest();
        if (stamp.leader() && current.isPresent() && current.get().epoch() > stamp.epoch()) {
            LOG.warn("refused to write control state {} as term {}: term {} ({}) already wrote it; this instance "
                    + "was deposed", path, stamp.epoch(), current.get().epoch(), current.get().writer());
            throw new FencedWriteException("control state " + path + " was written by term " + current.get().epoch()
                    + " (" + current.get().writer() + "); instance " + stamp.writer() + " of term " + stamp.epoch()
                    + " no longer leads and wrote nothing");
        }
        long revision = Math.addExact(current.map(SealedDocument.Body::revision).orElse(0L), 1);
        SealedDocument.Body body = new SealedDocument.Body(path, revision, stamp.epoch(), stamp.writer(), clock.instant(),
                content);
        byte[] bytes = SealedDocument.encode(body, keys.mac());
        // checked again just before the bytes leave: a leader that stopped leading while it read writes nothing
        writer.stamp();
        Map<RegionContext, Result<Boolean>> writes = new LinkedHashMap<>();
        List<RegionContext> reachable = new ArrayList<>();
        copies.results().forEach((region, copy) -> {
            if (copy.ok()) {
                reachable.add(region);
            } else {
                writes.put(region, new Result<>(null, copy.error()));
            }
        });
        writes.putAll(inRegions(reachable, region -> region.objectStore().putIfUnchanged(key(region, path), bytes,
                "application/json", copies.results().get(region).value().etag()) || holds(region, path, bytes)));
        if (writes.values().stream().noneMatch(Result::ok)) {
            throw unreachable("writing " + path, writes);
        }
        if (writes.values().stream().anyMatch(w -> w.ok() && !w.value())) {
            LOG.info("control state {} changed in a region while revision {} was written by {}; the write is not "
                    + "applied over it", path, revision, stamp.writer());
            if (stamp.leader()) {
                throw new StateConflictException("control state " + path + " was changed by another writer while "
                        + stamp.writer() + " wrote revision " + revision + "; it is read again next time");
            }
            return Optional.empty();
        }
        writes.forEach((region, result) -> {
            if (!result.ok()) {
                LOG.warn("control state {} not written to region {} ({}); it is copied there when next read",
                        path, region.id(), Failures.describe(result.error()));
            }
        });
        return Optional.of(body.document());
    }

    /**
     * Puts the document in one region after the other, in the order of the regions' ids, each with
     * {@code If-None-Match: *}: the first region that answers decides which writer takes the name, so two writers
     * racing for it do not each win a different region. A region that refuses after the first accepted keeps the
     * other writer's copy and is reported; reads take one copy of the two.
     */
    @Override
    public boolean create(String path, JsonNode content) {
        WriteAuthority.Stamp stamp = authority.stamp();
        SealedDocument.Body body = new SealedDocument.Body(path, 1, stamp.epoch(), stamp.writer(), clock.instant(),
                content);
        byte[] bytes = SealedDocument.encode(body, keys.mac());
        List<RegionContext> ordered = regions.all().stream()
                .sorted(Comparator.comparing(region -> region.id().value())).toList();
        boolean placed = false;
        List<String> failures = new ArrayList<>();
        Exception first = null;
        for (RegionContext region : ordered) {
            try {
                authority.stamp();
                boolean written = region.objectStore().putIfUnchanged(key(region, path), bytes, "application/json", null)
                        || holds(region, path, bytes);
                if (!written && !placed) {
                    return false;
                }
                if (!written) {
                    LOG.warn("control state {} was created in another region by this writer but region {} already "
                            + "holds another copy", path, region.id());
                }
                placed = true;
            } catch (RemoteOperationException e) {
                first = first == null ? e : first;
                failures.add(region.id() + ": " + Failures.describe(e));
            }
        }
        if (!placed) {
            throw new RemoteOperationException("creating " + path + " in the control state failed in every region ("
                    + String.join("; ", failures) + ")", first, true);
        }
        failures.forEach(failure -> LOG.warn("control state {} not created in {}; it is copied there when next read",
                path, failure));
        return true;
    }

    @Override
    public void delete(String path) {
        authority.stamp();
        Map<RegionContext, Result<Boolean>> deletes = inRegions(regions.all(), region -> {
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
        Map<RegionContext, Result<List<String>>> listings = inRegions(regions.all(), region -> {
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

    /** Every document that has no authenticated copy but an unsigned one of the format before signatures. */
    public List<String> unsigned() {
        TreeSet<String> paths = new TreeSet<>();
        for (RegionContext region : regions.all()) {
            String prefix = key(region, "");
            for (ObjectStore.ObjectInfo object : region.objectStore().list(prefix)) {
                if (object.key().endsWith(".json")) {
                    paths.add(object.key().substring(prefix.length(), object.key().length() - ".json".length()));
                }
            }
        }
        return paths.stream().filter(path -> readCopies(path).unsignedOnly().isPresent()).toList();
    }

    /**
     * Signs the newest unsigned copy of a document that has no authenticated one, as this store's writer (an
     * operator who reviewed it); false when there is nothing to adopt.
     */
    public boolean adopt(String path) {
        Copies copies = readCopies(path);
        Optional<SealedDocument.Body> legacy = copies.unsignedOnly();
        if (legacy.isEmpty()) {
            return false;
        }
        writeOver(copies, path, legacy.get().content(), authority);
        return true;
    }

    private record Copies(Map<RegionContext, Result<Copy>> results) {

        Optional<SealedDocument.Body> newest() {
            return results.values().stream().filter(Result::ok).map(r -> r.value().body()).flatMap(Optional::stream)
                    .max(Comparator.comparingLong(SealedDocument.Body::revision)
                            .thenComparing(SealedDocument.Body::updatedAt));
        }

        Optional<SealedDocument.Body> unsignedOnly() {
            if (newest().isPresent()) {
                return Optional.empty();
            }
            return results.values().stream().filter(Result::ok).map(r -> r.value().decoded())
                    .filter(d -> d instanceof SealedDocument.Rejected rejected && rejected.unsigned())
                    .map(d -> ((SealedDocument.Rejected) d).legacy())
                    .max(Comparator.comparingLong(SealedDocument.Body::revision));
        }
    }

    /** Reads every region's copy, reports refused ones, and brings regions without the newest copy up to date. */
    private Copies readCopies(String path) {
        Mac mac = keys.mac();
        Map<RegionContext, Result<Copy>> results = inRegions(regions.all(), region ->
                region.objectStore().getVersioned(key(region, path))
                        .map(v -> new Copy(v.etag(), v.bytes(), SealedDocument.decode(path, v.bytes(), mac)))
                        .orElse(Copy.ABSENT));
        if (results.values().stream().noneMatch(Result::ok)) {
            throw unreachable("reading " + path, results);
        }
        results.forEach((region, result) -> {
            if (result.ok() && result.value().decoded() instanceof SealedDocument.Rejected rejected) {
                report(region, path, result.value().etag(), rejected.reason());
            }
        });
        Copies copies = new Copies(results);
        copies.newest().ifPresent(newest -> {
            byte[] verified = results.values().stream().filter(Result::ok).map(Result::value)
                    .filter(c -> c.body().filter(newest::equals).isPresent()).findFirst().orElseThrow().bytes();
            results.forEach((region, copy) -> {
                if (copy.ok() && copy.value().body().map(b -> b.revision() < newest.revision()).orElse(true)) {
                    repair(region, path, verified, copy.value().etag());
                }
            });
        });
        return copies;
    }

    private void report(RegionContext region, String path, String etag, String reason) {
        if (reported.size() < 10_000 && reported.add(region.id() + "|" + path + "|" + etag)) {
            LOG.warn("control state {} in region {} is refused and not used: {}", path, region.id(), reason);
            rejections.rejected(region.id(), path, reason);
        }
    }

    /**
     * Whether the region's copy is now exactly these bytes: a reader that saw them in another region while this write
     * was under way copied them here first ({@link #repair}), which is this write done, not another writer's.
     */
    /** Copies an authenticated copy, byte for byte, over an older or refused one, unless that changed meanwhile. */
    private void repair(RegionContext region, String path, byte[] verified, String etag) {
        try {
            region.objectStore().putIfUnchanged(key(region, path), verified, "application/json", etag);
        } catch (RuntimeException e) {
            LOG.debug("control state {} could not be copied to region {}: {}", path, region.id(), Failures.describe(e));
        }
    }

    /**
     * Whether a region's copy is now exactly these bytes: a reader that saw them in another region while they were
     * still being written copied them there first ({@link #repair}), so the write is in place all the same.
     */
    private static boolean holds(RegionContext region, String path, byte[] bytes) {
        try {
            return region.objectStore().getVersioned(key(region, path)).map(v -> Arrays.equals(v.bytes(), bytes))
                    .orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String key(RegionContext region, String path) {
        String prefix = region.config().storage().prefix();
        return (prefix.isEmpty() ? "" : prefix + "/") + FOLDER + (path.isEmpty() || path.endsWith("/") ? path : path + ".json");
    }

    private record Result<T>(T value, Exception error) {
        boolean ok() {
            return error == null;
        }
    }

    private <T> Map<RegionContext, Result<T>> inRegions(List<RegionContext> targets, Function<RegionContext, T> operation) {
        Map<RegionContext, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (RegionContext region : targets) {
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

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
