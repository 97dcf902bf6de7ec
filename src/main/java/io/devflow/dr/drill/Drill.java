package io.devflow.dr.drill;

/**
 * One kind of drill. It exercises a subsystem without changing what production serves (unless configured to, as a
 * planned failover drill is), records what it found in the outcome, and removes everything it created before it
 * returns, whether it passed or not.
 */
public interface Drill {

    DrillType type();

    /** @param id the drill's id; scratch names made from it are unique to this run */
    void run(String id, DrillOutcome outcome);
}
