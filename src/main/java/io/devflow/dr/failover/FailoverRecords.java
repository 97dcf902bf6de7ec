package io.devflow.dr.failover;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.NewestFirst;
import io.devflow.dr.support.StateConflictException;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Failover records in the control state, {@code failovers/<id>}, ids sorting by time. Every save is a
 * read-change-write of the fenced, signed store: a record is written only over the revision it was read at, and
 * never over one that another controller (a later term) has taken over or finished.
 */
public final class FailoverRecords {

    static final String FOLDER = "failovers";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateStore state;

    public FailoverRecords(StateStore state) {
        this.state = state;
    }

    /** A new id: {@code failover-<yyyyMMdd-HHmmss>-<4 hex>}. */
    public static String newId(Instant at) {
        byte[] random = new byte[2];
        RANDOM.nextBytes(random);
        return "failover-" + STAMP.format(at) + "-" + HexFormat.of().formatHex(random);
    }

    /**
     * Writes the record; refused (a {@link StateConflictException}) when the stored copy was meanwhile finished or
     * taken over by a controller of a later term.
     */
    public FailoverRecord save(FailoverRecord record) {
        state.update(FOLDER + "/" + record.id(), current -> {
            current.map(StateDocument::content).map(FailoverRecords::decode).ifPresent(stored -> {
                if (stored.epoch() > record.epoch()) {
                    throw new StateConflictException("failover " + record.id() + " was taken over by " + stored.controller()
                            + " (term " + stored.epoch() + "); this controller (term " + record.epoch() + ") stops");
                }
                if (stored.state().finished() && stored.state() != record.state()) {
                    throw new StateConflictException("failover " + record.id() + " is already " + stored.state().id());
                }
            });
            return Json.MAPPER.valueToTree(record);
        });
        return record;
    }

    public Optional<FailoverRecord> get(String id) {
        if (!id.matches("failover-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}")) {
            return Optional.empty();
        }
        return state.read(FOLDER + "/" + id).map(StateDocument::content).map(FailoverRecords::decode);
    }

    /** The newest records first, at most {@code limit}. */
    public List<FailoverRecord> newest(int limit) {
        return NewestFirst.read(state.list(FOLDER), NewestFirst::stampedSecond,
                path -> state.read(path).map(StateDocument::content).map(FailoverRecords::decode), r -> true,
                FailoverRecord::startedAt, limit);
    }

    /** Records a controller left running or rolling back, among the newest {@code within}. */
    public List<FailoverRecord> unfinished(int within) {
        return newest(within).stream().filter(r -> !r.state().finished()).toList();
    }

    static FailoverRecord decode(com.fasterxml.jackson.databind.JsonNode content) {
        try {
            return Json.MAPPER.treeToValue(content, FailoverRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a failover record in the control state is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
