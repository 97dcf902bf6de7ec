package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every DR action, append-only and hash-chained (decision 52): entry {@code n} is the control-state document
 * {@code audit/chain/<n, 12 digits>}, created once and never written over, and carries the SHA-256 of entry
 * {@code n-1}; {@code audit/head} records the newest sequence number and hash. Writers in several processes (the
 * leader, CLI commands) take the next number with a create that fails when the name exists, so they cannot fork the
 * chain. Entries written before the chain, directly under {@code audit/}, are its legacy prefix.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    static final String FOLDER = "audit";
    static final String CHAIN = "audit/chain";
    static final String HEAD = "audit/head";
    /** What the first entry records as the hash before it. */
    public static final String GENESIS = "0".repeat(64);
    private static final String UNREADABLE = "unreadable";
    private static final int APPEND_ATTEMPTS = 200;
    private static final int READERS = 8;
    private static final int BATCH = 32;

    private final StateStore state;
    private final Clock clock;

    public AuditLog(StateStore state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /** Records who did what; {@code details} may be null, and carries {@code outcome} where the action has one. */
    public void record(String action, String by, String subject, ObjectNode details) {
        append(action, by, subject, details);
    }

    /**
     * Records, and logs instead of throwing when the control plane cannot take the entry: for actions (a backup,
     * a restore) whose own outcome must not be turned into a failure by the audit log.
     */
    public boolean recordOrWarn(String action, String by, String subject, ObjectNode details) {
        try {
            append(action, by, subject, details);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("the audit entry {} for {} could not be written: {}", action, subject, Failures.describe(e));
            return false;
        }
    }

    /** The SHA-256 (hex) of an entry's content as stored, which the next entry carries. */
    public static String hash(JsonNode content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Json.bytes(content)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Appends after the newest entry; one at a time per process, and with a create that another process cannot win too. */
    synchronized AuditEntry append(String action, String by, String subject, ObjectNode details) {
        long seq;
        String prev;
        Optional<StateDocument> head = state.read(HEAD);
        if (head.isPresent()) {
            seq = head.get().content().path("seq").asLong() + 1;
            prev = head.get().content().path("hash").asText();
        } else {
            List<String> names = state.list(CHAIN);
            String last = names.isEmpty() ? null : names.get(names.size() - 1);
            seq = last == null ? 1 : seqOf(last) + 1;
            prev = last == null ? GENESIS : state.read(last).map(d -> hash(d.content())).orElse(UNREADABLE);
        }
        for (int attempt = 0; attempt < APPEND_ATTEMPTS; attempt++, seq++) {
            ObjectNode content = Json.MAPPER.createObjectNode();
            content.put("seq", seq);
            content.put("prev", prev);
            content.put("at", clock.instant().toString());
            content.put("action", action);
            content.put("by", by);
            content.put("subject", subject);
            if (details != null) {
                content.set("details", details);
            }
            String path = entryPath(seq);
            String hash = hash(content);
            if (state.create(path, content)) {
                advanceHead(seq, hash);
                // read back after the head: where the store's condition is not atomic (s3proxy) a writer that
                // checked at the same instant may have put its entry over this one
                Optional<StateDocument> stored = state.read(path);
                if (stored.isPresent() && hash(stored.get().content()).equals(hash)) {
                    return AuditEntry.of(path, content);
                }
            }
            prev = state.read(path).map(d -> hash(d.content())).orElse(UNREADABLE);
        }
        throw new StateConflictException("the audit log could not take the entry " + action + " for " + subject
                + " after " + APPEND_ATTEMPTS + " attempts: other writers took every number; try again");
    }

    private void advanceHead(long seq, String hash) {
        try {
            state.update(HEAD, current -> {
                if (current.isPresent() && current.get().content().path("seq").asLong() >= seq) {
                    throw new HeadAhead();
                }
                ObjectNode head = Json.MAPPER.createObjectNode();
                head.put("seq", seq);
                head.put("hash", hash);
                return head;
            });
        } catch (HeadAhead | StateConflictException e) {
            // the head is a hint: a later entry's writer moves it, and an append that finds it behind goes on
        }
    }

    private static final class HeadAhead extends RuntimeException {
        HeadAhead() {
            super(null, null, false, false);
        }
    }

    /**
     * Checks the whole log: every entry from 1 present, authentic, numbered where it lies and linked to the one
     * before; the head no further than the last entry and holding its hash. Stops at the first bad entry.
     */
    public AuditVerification verify() {
        long legacy = legacyPaths().size();
        List<String> names = state.list(CHAIN);
        Map<String, Optional<StateDocument>> documents = readAll(names);
        List<String> hashes = new ArrayList<>();
        String prev = GENESIS;
        Instant first = null;
        Instant last = null;
        for (String name : names) {
            long expected = hashes.size() + 1L;
            long seq = seqOf(name);
            if (seq < 0) {
                return bad(hashes, legacy, expected, name + " is not an entry of the chain (an object put there by "
                        + "someone else)", first, last);
            }
            if (seq != expected) {
                return bad(hashes, legacy, expected, "entry " + expected + (seq == expected + 1 ? " is" : " to "
                        + (seq - 1) + " are") + " missing (removed)", first, last);
            }
            Optional<StateDocument> document = documents.get(name);
            if (document.isEmpty()) {
                return bad(hashes, legacy, seq, "entry " + seq + " is not authentic: altered, moved from another "
                        + "place in the log, or not signed with this deployment's control key", first, last);
            }
            JsonNode content = document.get().content();
            if (content.path("seq").asLong() != seq) {
                return bad(hashes, legacy, seq, "entry " + seq + " carries sequence number "
                        + content.path("seq").asText() + " (moved or reordered)", first, last);
            }
            if (!prev.equals(content.path("prev").asText())) {
                long suspect = Math.max(1, seq - 1);
                return bad(hashes.subList(0, (int) suspect - 1), legacy, suspect, seq == 1
                        ? "entry 1 does not start the chain"
                        : "entry " + seq + " records another hash of entry " + suspect + " than it has: entry "
                        + suspect + " was altered or replaced, or entry " + seq + " was inserted after it", first, last);
            }
            prev = hash(content);
            hashes.add(prev);
            AuditEntry entry = AuditEntry.of(name, content);
            first = first == null ? entry.at() : first;
            last = entry.at();
        }
        Optional<StateDocument> head = state.read(HEAD);
        if (head.isEmpty() && state.list(FOLDER).contains(HEAD)) {
            return bad(hashes, legacy, hashes.size() + 1L, "the head (" + HEAD + ") is not authentic", first, last);
        }
        if (head.isPresent()) {
            long headSeq = head.get().content().path("seq").asLong();
            if (headSeq > hashes.size()) {
                return bad(hashes, legacy, hashes.size() + 1L, "entries " + (hashes.size() + 1) + " to " + headSeq
                        + " are missing (removed from the end of the log; the head records entry " + headSeq + ")",
                        first, last);
            }
            if (headSeq > 0 && !hashes.get((int) headSeq - 1).equals(head.get().content().path("hash").asText())) {
                return bad(hashes.subList(0, (int) headSeq - 1), legacy, headSeq, "entry " + headSeq
                        + " differs from the one the head records (altered or replaced)", first, last);
            }
        }
        return new AuditVerification(true, hashes.size(), legacy, 0, null,
                hashes.isEmpty() ? GENESIS : hashes.get(hashes.size() - 1), first, last);
    }

    private static AuditVerification bad(List<String> verified, long legacy, long firstBad, String problem,
                                         Instant first, Instant last) {
        return new AuditVerification(false, verified.size(), legacy, firstBad, problem,
                verified.isEmpty() ? GENESIS : verified.get(verified.size() - 1), first, last);
    }

    /**
     * The newest entries, oldest first: at most {@code limit}, none older than {@code since} (null: any), only
     * of {@code action} (null: any). The legacy prefix comes before the chain. Entries are read from the newest
     * back until enough are found or they are older than {@code since}.
     */
    public List<AuditEntry> list(Instant since, String action, int limit) {
        List<String> paths = new ArrayList<>(legacyPaths());
        paths.addAll(state.list(CHAIN));
        List<AuditEntry> found = new ArrayList<>();
        for (int end = paths.size(); end > 0 && found.size() < limit; end -= BATCH) {
            List<String> batch = paths.subList(Math.max(0, end - BATCH), end);
            Map<String, Optional<StateDocument>> documents = readAll(batch);
            boolean older = false;
            for (int i = batch.size() - 1; i >= 0 && found.size() < limit; i--) {
                Optional<StateDocument> document = documents.get(batch.get(i));
                if (document.isEmpty()) {
                    continue;
                }
                AuditEntry entry = AuditEntry.of(batch.get(i), document.get().content());
                if (since != null && entry.at() != null && entry.at().isBefore(since)) {
                    older = true;
                    continue;
                }
                if (action == null || action.equals(entry.action())) {
                    found.add(entry);
                }
            }
            if (older) {
                break;
            }
        }
        Collections.reverse(found);
        return found;
    }

    private List<String> legacyPaths() {
        return state.list(FOLDER).stream().filter(path -> !path.equals(HEAD)).toList();
    }

    static String entryPath(long seq) {
        return String.format(java.util.Locale.ROOT, "%s/%012d", CHAIN, seq);
    }

    /** The sequence number an entry's name carries, -1 when it is not an entry's name. */
    static long seqOf(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.length() == 12 && name.chars().allMatch(Character::isDigit) ? Long.parseLong(name) : -1;
    }

    private Map<String, Optional<StateDocument>> readAll(List<String> paths) {
        ExecutorService readers = Executors.newFixedThreadPool(READERS, r -> {
            Thread thread = new Thread(r, "dr-audit-read");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<String, Future<Optional<StateDocument>>> futures = new LinkedHashMap<>();
            for (String path : paths) {
                futures.put(path, readers.submit(() -> state.read(path)));
            }
            Map<String, Optional<StateDocument>> documents = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Optional<StateDocument>>> future : futures.entrySet()) {
                documents.put(future.getKey(), future.getValue().get());
            }
            return documents;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reading the audit log was interrupted", e);
        } finally {
            readers.shutdownNow();
        }
    }
}
