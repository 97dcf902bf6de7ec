package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A store replication's working state, one session per direction (its open readers and connections), opened on
 * first use from the saved checkpoint, and the checkpoints of the batches it handled. {@link #reset} drops a
 * direction's session after a failure, so the next round starts again from the saved checkpoint; {@link #stop}
 * saves the last handled checkpoint first. Callers hold a session's monitor while they use it; these methods
 * take it too.
 *
 * @param <P> the store's checkpoint
 * @param <S> the store's session
 */
public final class DirectionSessions<P extends ReplicationCheckpoint, S extends DirectionSessions.Session> {

    /** One direction's open readers and connections. */
    public interface Session {
        /** Closes the session's readers and connections; it is not used again. */
        void close();
    }

    private final Checkpoints checkpoints;
    private final StoreKind store;
    private final Class<P> type;
    private final BiFunction<Direction, Optional<P>, S> open;
    private final Map<Direction, S> sessions = new ConcurrentHashMap<>();
    /** Per direction, the checkpoint of the last batch handled, and the last one saved. */
    private final Map<Direction, P> handled = new ConcurrentHashMap<>();
    private final Map<Direction, P> saved = new ConcurrentHashMap<>();

    /** @param open opens a direction's session from its saved checkpoint (empty: none yet) */
    public DirectionSessions(Checkpoints checkpoints, StoreKind store, Class<P> type,
                             BiFunction<Direction, Optional<P>, S> open) {
        this.checkpoints = checkpoints;
        this.store = store;
        this.type = type;
        this.open = open;
    }

    /** The direction's session, opened from its saved checkpoint if it has none. */
    public S open(Direction direction) {
        return sessions.computeIfAbsent(direction, d -> {
            Optional<P> checkpoint = checkpoints.load(d, store, type);
            checkpoint.ifPresentOrElse(c -> saved.put(d, c), () -> saved.remove(d));
            handled.remove(d);
            return open.apply(d, checkpoint);
        });
    }

    /**
     * The session a round's later steps use: the one its read step opened. A round whose direction was reset
     * meanwhile must not go on with a new one.
     */
    public S active(Direction direction) {
        S session = sessions.get(direction);
        if (session == null) {
            throw new IllegalStateException(store + " replication " + direction + " was reset during the round; "
                    + "the next round reads again from the checkpoint");
        }
        return session;
    }

    /** The direction's session, or null when it has none (it was never opened, or was reset or stopped). */
    public S current(Direction direction) {
        return sessions.get(direction);
    }

    /**
     * Records that a batch is handled: its checkpoint is saved when the interval has passed since the last write,
     * or at once when it passes a milestone.
     */
    public RoundResult checkpoint(Classified<P> batch) {
        Direction direction = batch.direction();
        S session = sessions.get(direction);
        if (session == null) {
            // reset meanwhile: the batch is replayed from the saved checkpoint
            return RoundResult.failed(direction, store);
        }
        synchronized (session) {
            P reached = batch.reached();
            handled.put(direction, reached);
            P last = saved.get(direction);
            boolean milestone = last == null || !Objects.equals(last.milestone(), reached.milestone());
            if (!reached.equals(last) && checkpoints.save(direction, store, reached, milestone)) {
                saved.put(direction, reached);
            }
        }
        return RoundResult.handled(direction, store, batch.foundWork());
    }

    /** Drops and closes the direction's session without saving anything: the next round resumes from the checkpoint. */
    public void reset(Direction direction) {
        S session = sessions.remove(direction);
        if (session != null) {
            synchronized (session) {
                handled.remove(direction);
                session.close();
            }
        }
    }

    /** Saves the last handled checkpoint if it is ahead of the saved one, then drops and closes the session. */
    public void stop(Direction direction) {
        S session = sessions.remove(direction);
        if (session != null) {
            synchronized (session) {
                try {
                    P last = handled.remove(direction);
                    if (last != null && !last.equals(saved.get(direction))) {
                        checkpoints.save(direction, store, last, true);
                        saved.put(direction, last);
                    }
                } finally {
                    session.close();
                }
            }
        }
    }

    /** The checkpoint of the last batch handled in this process, else the saved one. */
    public Optional<P> latest(Direction direction) {
        P last = handled.get(direction);
        return last != null ? Optional.of(last) : Optional.ofNullable(saved.get(direction))
                .or(() -> checkpoints.load(direction, store, type));
    }

    /** Resets every direction. */
    public void closeAll() {
        sessions.keySet().forEach(this::reset);
    }
}
