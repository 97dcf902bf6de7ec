package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.control.Checkpoints;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A store replicator's working state, one session per direction (its checkpoint in memory, its open readers
 * and connections), opened on first use. {@link #reset} drops a direction's session after a failure, so the
 * next poll starts again from the saved checkpoint; {@link #stop} saves the checkpoint first. Callers hold a
 * session's monitor while they use it; these methods take it too.
 */
public final class DirectionSessions<S extends DirectionSessions.Session> {

    /** One direction's working state. */
    public interface Session {
        /** The checkpoint as it stands in memory. */
        ObjectNode checkpoint();

        /** Whether the checkpoint in memory is ahead of the saved one. */
        boolean dirty();

        /** Closes the session's readers and connections; it is not used again. */
        void close();
    }

    private final Map<Direction, S> sessions = new ConcurrentHashMap<>();
    private final Checkpoints checkpoints;
    private final String store;
    private final Function<Direction, S> open;

    /** @param open opens a direction's session from its saved checkpoint */
    public DirectionSessions(Checkpoints checkpoints, String store, Function<Direction, S> open) {
        this.checkpoints = checkpoints;
        this.store = store;
        this.open = open;
    }

    /** The direction's session, opened if it has none. */
    public S open(Direction direction) {
        return sessions.computeIfAbsent(direction, open);
    }

    /** The direction's session, or null when it has none (it was never opened, or was reset or stopped). */
    public S current(Direction direction) {
        return sessions.get(direction);
    }

    /** Drops this session of the direction, if it is still the current one, and closes it. */
    public void discard(Direction direction, S session) {
        sessions.remove(direction, session);
        synchronized (session) {
            session.close();
        }
    }

    /** Drops and closes the direction's session without saving anything: the next poll resumes from the checkpoint. */
    public void reset(Direction direction) {
        S session = sessions.remove(direction);
        if (session != null) {
            synchronized (session) {
                session.close();
            }
        }
    }

    /** Saves the direction's checkpoint if it moved, then drops and closes its session. */
    public void stop(Direction direction) {
        S session = sessions.remove(direction);
        if (session != null) {
            synchronized (session) {
                try {
                    if (session.dirty()) {
                        checkpoints.save(direction, store, session.checkpoint(), true);
                    }
                } finally {
                    session.close();
                }
            }
        }
    }

    /** Resets every direction. */
    public void closeAll() {
        sessions.keySet().forEach(this::reset);
    }
}
