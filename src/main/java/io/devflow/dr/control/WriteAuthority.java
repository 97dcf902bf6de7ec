package io.devflow.dr.control;

/**
 * Who writes the control state, and whether it may write now. {@code dr server} writes as the elected leader of
 * its term ({@link Leadership}): its writes carry the term's epoch and are refused once a later term has written.
 * A CLI command writes as an operator: not a leader, so not fenced by terms, but still conditional on the
 * revision it read.
 */
public interface WriteAuthority {

    /**
     * What a write about to be made carries.
     *
     * @param epoch  the writer's term, 0 for an operator
     * @param writer who writes, for the record
     * @param leader whether this is a leader's write, refused when a later term wrote the document
     */
    record Stamp(long epoch, String writer, boolean leader) {
    }

    /**
     * The stamp for a write now.
     *
     * @throws NotLeaderException when this process may not write (a standby, or a leader that cannot be sure
     *                            it still leads)
     */
    Stamp stamp();

    /** An operator (a CLI command run from anywhere): writes are not tied to a term. */
    static WriteAuthority operator(String who) {
        Stamp stamp = new Stamp(0, "operator " + who, false);
        return () -> stamp;
    }
}
