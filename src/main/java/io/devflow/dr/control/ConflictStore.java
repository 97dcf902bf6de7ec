package io.devflow.dr.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.NotFoundException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every conflict, durably, in the control state: open ones under {@code replication/conflicts/open/},
 * decided ones under {@code replication/conflicts/resolved/}. A resolved conflict is written to its new
 * place before the open copy is removed, so a conflict is never absent from both; where both exist the
 * resolved copy is the truth.
 */
public final class ConflictStore {

    private static final String OPEN = "replication/conflicts/open";
    private static final String RESOLVED = "replication/conflicts/resolved";

    private final StateStore state;

    public ConflictStore(StateStore state) {
        this.state = state;
    }

    /** Records a conflict where its status puts it. */
    public Conflict save(Conflict conflict) {
        if (conflict.isOpen()) {
            state.write(OPEN + "/" + conflict.id(), Json.MAPPER.valueToTree(conflict));
        } else {
            state.write(RESOLVED + "/" + conflict.id(), Json.MAPPER.valueToTree(conflict));
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
        Optional<Conflict> resolved = state.read(RESOLVED + "/" + id).map(ConflictStore::decode);
        return resolved.isPresent() ? resolved : state.read(OPEN + "/" + id).map(ConflictStore::decode);
    }

    /** Open conflicts, oldest first. */
    public List<Conflict> open() {
        List<Conflict> result = new ArrayList<>();
        for (String path : state.list(OPEN)) {
            String id = path.substring(path.lastIndexOf('/') + 1);
            if (state.read(RESOLVED + "/" + id).isEmpty()) {
                state.read(path).map(ConflictStore::decode).filter(Conflict::isOpen).ifPresent(result::add);
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
            state.read(RESOLVED + "/" + names.get(i)).map(ConflictStore::decode).ifPresent(result::add);
        }
        return result;
    }

    /** How many conflicts are open, from the listings alone (no conflict is read: this runs on every hold). */
    public int openCount() {
        Set<String> resolved = new HashSet<>(names(RESOLVED));
        return (int) names(OPEN).stream().filter(id -> !resolved.contains(id)).count();
    }

    private List<String> names(String folder) {
        return state.list(folder).stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).sorted().toList();
    }

    private static Conflict decode(StateDocument document) {
        try {
            return Json.MAPPER.treeToValue(document.content(), Conflict.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("conflict " + document.path() + " in the control state is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }
}
