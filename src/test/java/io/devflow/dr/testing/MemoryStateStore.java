package io.devflow.dr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** The control state in memory, for logic that reads and writes it without a region to keep it in. */
public final class MemoryStateStore implements StateStore {

    private final Map<String, StateDocument> documents = new ConcurrentSkipListMap<>();

    @Override
    public Optional<StateDocument> read(String path) {
        return Optional.ofNullable(documents.get(path));
    }

    @Override
    public StateDocument write(String path, JsonNode content) {
        long revision = read(path).map(StateDocument::revision).orElse(0L) + 1;
        StateDocument document = new StateDocument(path, revision, Instant.EPOCH, content.deepCopy());
        documents.put(path, document);
        return document;
    }

    @Override
    public void delete(String path) {
        documents.remove(path);
    }

    @Override
    public List<String> list(String folder) {
        String prefix = folder + "/";
        return documents.keySet().stream()
                .filter(p -> p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0)
                .toList();
    }

    /** The paths of every document, in name order. */
    public List<String> paths() {
        return List.copyOf(documents.keySet());
    }
}
