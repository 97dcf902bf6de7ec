package io.devflow.dr.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.NotFoundException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every conflict, durably and encrypted ({@link ConflictCipher}), in the control state: open ones under
 * {@code replication/conflicts/open/}, decided ones under {@code replication/conflicts/resolved/}. A resolved
 * conflict is written to its new place before the open copy is removed, so a conflict is never absent from
 * both; where both exist the resolved copy is the truth.
 */
public final class ConflictStore {

    private static final String OPEN = "replication/conflicts/open";
    private static final String RESOLVED = "replication/conflicts/resolved";

    private final StateStore state;
    private final ConflictCipher cipher;

    public ConflictStore(StateStore state, ConflictCipher cipher) {
        this.state = state;
        this.cipher = cipher;
    }

    /** Records a conflict where its status puts it. */
    public Conflict save(Conflict conflict) {
        JsonNode stored = cipher.seal(conflict.id(), Json.MAPPER.valueToTree(conflict));
        if (conflict.isOpen()) {
            state.write(OPEN + "/" + conflict.id(), stored);
        } else {
            state.write(RESOLVED + "/" + conflict.id(), stored);
            state.delete(OPEN + "/" + conflict.id());
        }
        return conflict;
    }

    /** The conflict with this id, or a not-found error naming it; a malformed id is a usage error. */
    public Conflict get(String id) {
        if (!ConflictId.isValid(id)) {
            throw new InvalidRequestException("'" + id + "' is not a conflict id (for example " + ConflictId.EXAMPLE
                    + "); 'dr conflicts list' shows them");
        }
        return find(id).orElseThrow(() -> new NotFoundException("no conflict " + id + " in the control state; "
                + "'dr conflicts list --status all' shows the conflicts there are"));
    }

    public Optional<Conflict> find(String id) {
        Optional<Conflict> resolved = state.read(RESOLVED + "/" + id).map(this::decode);
        return resolved.isPresent() ? resolved : state.read(OPEN + "/" + id).map(this::decode);
    }

    /** Open conflicts, oldest first. */
    public List<Conflict> open() {
        List<Conflict> result = new ArrayList<>();
        for (String path : state.list(OPEN)) {
            String id = path.substring(path.lastIndexOf('/') + 1);
            if (state.read(RESOLVED + "/" + id).isEmpty()) {
                state.read(path).map(this::decode).filter(Conflict::isOpen).ifPresent(result::add);
            }
        }
        result.sort(Comparator.comparing(Conflict::id));
        return result;
    }

    /** The newest {@code limit} resolved conflicts, newest first. */
    public List<Conflict> resolved(int limit) {
        List<String> names = names(RESOLVED);
        List<Conflict> result = new ArrayList<>();
        for (int i = names.size() - 1; i >= 0 && result.size() < limit; i--) {
            state.read(RESOLVED + "/" + names.get(i)).map(this::decode).ifPresent(result::add);
        }
        return result;
    }

    /**
     * The ids of the open conflicts, oldest first, from the listings alone (no conflict is read: this runs on every
     * hold).
     */
    public List<String> openIds() {
        Set<String> resolved = new HashSet<>(names(RESOLVED));
        return names(OPEN).stream().filter(id -> !resolved.contains(id)).toList();
    }

    /**
     * Deletes the conflicts resolved before {@code before} (both copies, where an open one was left behind).
     * Only conflicts detected before then can qualify, and ids sort by detection time, so newer ones are not read.
     *
     * @return the ids deleted, or that would be with {@code dryRun}
     */
    public List<String> pruneResolved(Instant before, boolean dryRun) {
        Set<String> open = new HashSet<>(names(OPEN));
        List<String> pruned = new ArrayList<>();
        for (String id : names(RESOLVED)) {
            Optional<Instant> detected = ConflictId.detectedAt(id);
            if (detected.isEmpty()) {
                continue;
            }
            if (!detected.get().isBefore(before)) {
                break;
            }
            Optional<Conflict> conflict = state.read(RESOLVED + "/" + id).map(this::decode);
            if (conflict.isPresent() && conflict.get().resolvedAt() != null && conflict.get().resolvedAt().isBefore(before)) {
                if (!dryRun) {
                    state.delete(RESOLVED + "/" + id);
                    if (open.contains(id)) {
                        state.delete(OPEN + "/" + id);
                    }
                }
                pruned.add(id);
            }
        }
        return pruned;
    }

    private List<String> names(String folder) {
        return state.list(folder).stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).sorted().toList();
    }

    private Conflict decode(StateDocument document) {
        String id = document.path().substring(document.path().lastIndexOf('/') + 1);
        try {
            return Json.MAPPER.treeToValue(cipher.open(id, document.content()), Conflict.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("conflict " + document.path() + " in the control state is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }
}
