package io.devflow.dr.control;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What this {@code dr server} instance knows about who leads. The election engine says whether this instance is
 * elected; the term record in the control state ({@link LeaderTerms}) says which term is current. This instance
 * writes the control state only while all of these hold: the engine elected it, it recorded its own term, and it
 * confirmed both within {@code confirmWithin} on a monotonic clock. A process paused longer than that (a stopped
 * JVM, a long GC) therefore refuses to write on what it believed before the pause until it has looked again.
 */
public final class Leadership implements WriteAuthority {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    public enum Role {
        LEADER("leader"), STANDBY("standby");

        private final String id;

        Role(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * One leadership term as recorded in the control state.
     *
     * @param epoch    increases by one with every new term
     * @param instance the leader's instance id
     * @param apiUrl   where the leader's API answers
     * @param since    when the term began
     */
    public record Term(long epoch, String instance, String apiUrl, Instant since) {
    }

    private final String instanceId;
    private final String apiUrl;
    private final String engine;
    private final long confirmWithinNanos;
    private final LongSupplier nanoTime;

    private volatile boolean elected;
    private volatile Term ownTerm;
    private volatile long confirmedAt;
    private volatile Term current;

    public Leadership(String instanceId, String apiUrl, String engine, Duration confirmWithin, LongSupplier nanoTime) {
        this.instanceId = instanceId;
        this.apiUrl = apiUrl;
        this.engine = engine;
        this.confirmWithinNanos = confirmWithin.toNanos();
        this.nanoTime = nanoTime;
    }

    public String instanceId() {
        return instanceId;
    }

    public String apiUrl() {
        return apiUrl;
    }

    /** The election engine's name: zookeeper, kubernetes or file. */
    public String engine() {
        return engine;
    }

    /** The engine elected this instance; it leads once its term is recorded ({@link #took}). */
    public synchronized void elected() {
        elected = true;
    }

    public boolean isElected() {
        return elected;
    }

    /** The engine no longer counts this instance as leader (session lost or suspended, lease not renewed). */
    public synchronized void deposed(String why) {
        if (ownTerm != null) {
            LOG.warn("instance {} steps down from term {}: {}", instanceId, ownTerm.epoch(), why);
        }
        elected = false;
        ownTerm = null;
    }

    /** This instance recorded its term: it leads. */
    public synchronized void took(Term term) {
        current = term;
        if (elected && term.instance().equals(instanceId)) {
            ownTerm = term;
            confirmedAt = nanoTime.getAsLong();
            LOG.info("instance {} leads, term {} (election: {})", instanceId, term.epoch(), engine);
        }
    }

    /**
     * The term record as just read: confirms this instance's leadership when the record still names its term and
     * the engine still elects it; steps down when a later term was recorded.
     */
    public synchronized void observed(Optional<Term> record) {
        record.ifPresent(term -> current = term);
        Term own = ownTerm;
        if (own == null) {
            return;
        }
        if (record.isPresent() && record.get().epoch() != own.epoch()) {
            deposed("term " + record.get().epoch() + " was taken by " + record.get().instance());
        } else if (elected) {
            confirmedAt = nanoTime.getAsLong();
        }
    }

    /** Whether this instance may act as leader now. */
    public boolean leads() {
        return elected && ownTerm != null && nanoTime.getAsLong() - confirmedAt < confirmWithinNanos;
    }

    public Role role() {
        return leads() ? Role.LEADER : Role.STANDBY;
    }

    /** The newest term this instance has seen recorded, its own or another's. */
    public Optional<Term> currentTerm() {
        return Optional.ofNullable(current);
    }

    /** This instance's term while it is elected and has recorded one (confirmed or not). */
    public Optional<Term> ownTerm() {
        return Optional.ofNullable(ownTerm);
    }

    @Override
    public Stamp stamp() {
        Term own = ownTerm;
        if (!leads() || own == null) {
            throw new NotLeaderException(refusal());
        }
        return new Stamp(own.epoch(), instanceId, true);
    }

    /** Refuses a change on an instance that does not lead, naming the leader to ask instead. */
    public void requireLeader() {
        if (!leads()) {
            throw new NotLeaderException(refusal());
        }
    }

    private String refusal() {
        if (elected && ownTerm != null) {
            return "instance " + instanceId + " cannot confirm that it still leads (last confirmed over "
                    + Duration.ofNanos(confirmWithinNanos).toSeconds() + " s ago); nothing was changed, try again shortly";
        }
        Term leader = current;
        if (leader != null && !leader.instance().equals(instanceId)) {
            return "instance " + instanceId + " is a standby; the leader is " + leader.instance() + " at "
                    + leader.apiUrl() + " (term " + leader.epoch() + " since " + leader.since() + "): send changes there";
        }
        return "instance " + instanceId + " is a standby and no leader is known yet; try again shortly";
    }
}
