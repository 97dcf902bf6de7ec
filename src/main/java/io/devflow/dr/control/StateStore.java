package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The control plane's state: desired replication state, checkpoints, conflicts, health and status reports.
 * It must stay readable and writable while any one region is down. Paths are relative, slash-separated
 * names such as {@code replication/desired}.
 */
public interface StateStore {

    /** The current copy of a document, or empty when no reachable region has it. */
    Optional<StateDocument> read(String path);

    /** Writes a new revision of a document; returns it as stored. */
    StateDocument write(String path, JsonNode content);

    /**
     * Read, change, write: {@code change} makes the new content from the current document (empty when there is
     * none), and the result is written only over the revision it was made from. A store shared by several writers
     * applies the change again to a fresh read when another writer got there first, and refuses after a few tries;
     * nothing is ever silently overwritten.
     */
    default StateDocument update(String path, Function<Optional<StateDocument>, JsonNode> change) {
        return write(path, change.apply(read(path)));
    }

    /**
     * Writes the first and only revision of an append-only document: false, writing nothing, when the document
     * already exists, even as a copy that is not used (altered or unsigned), so nothing is ever written over it.
     */
    default boolean create(String path, JsonNode content) {
        if (read(path).isPresent()) {
            return false;
        }
        write(path, content);
        return true;
    }

    /** Removes a document from every reachable region. */
    void delete(String path);

    /** The paths of the documents directly under a folder (such as {@code conflicts}), in name order. */
    List<String> list(String folder);
}
