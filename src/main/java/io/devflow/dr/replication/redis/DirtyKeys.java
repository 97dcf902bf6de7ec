package io.devflow.dr.replication.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The keys of one direction that changed at the source and are not yet copied, oldest first, each once. Fed
 * by keyspace notifications (and by the reconcile, which marks what it queues as a repair), drained by the
 * worker. Bounded: when it is full, new keys are dropped and a sweep of the whole keyspace is requested
 * instead, which finds them again. Safe for the notification thread, the reconcile and the worker at once.
 */
final class DirtyKeys {

    /**
     * A key waiting to be copied.
     *
     * @param changedAt when its newest notification arrived (or when the reconcile found it)
     * @param repair whether only the reconcile found it: no notification said it changed
     */
    record Pending(RedisKey key, Instant changedAt, boolean repair) {
    }

    private final int bound;
    private final LinkedHashMap<RedisKey, Pending> keys = new LinkedHashMap<>();
    private boolean sweepRequested;

    DirtyKeys(int bound) {
        this.bound = bound;
    }

    /** A notification: the key changed at {@code at}. A key already waiting keeps its place. */
    synchronized void changed(RedisKey key, Instant at) {
        if (keys.containsKey(key) || hasRoom()) {
            keys.put(key, new Pending(key, at, false));
        }
    }

    /**
     * The reconcile found the key out of step.
     *
     * @return whether it was queued as a repair (false when it was waiting already, or there was no room)
     */
    synchronized boolean outOfStep(RedisKey key, Instant at) {
        if (keys.containsKey(key) || !hasRoom()) {
            return false;
        }
        keys.put(key, new Pending(key, at, true));
        return true;
    }

    private boolean hasRoom() {
        if (keys.size() < bound) {
            return true;
        }
        sweepRequested = true;
        return false;
    }

    /** Takes up to {@code max} keys, oldest first. */
    synchronized List<Pending> drain(int max) {
        List<Pending> drained = new ArrayList<>(Math.min(max, keys.size()));
        Iterator<Pending> it = keys.values().iterator();
        while (drained.size() < max && it.hasNext()) {
            drained.add(it.next());
            it.remove();
        }
        return drained;
    }

    /**
     * Puts back keys whose copy failed, ahead of the others. A key notified again meanwhile keeps its newer
     * time and counts as notified.
     */
    synchronized void putBack(List<Pending> drained) {
        if (drained.isEmpty()) {
            return;
        }
        LinkedHashMap<RedisKey, Pending> merged = new LinkedHashMap<>();
        for (Pending pending : drained) {
            Pending newer = keys.remove(pending.key());
            merged.put(pending.key(), newer == null ? pending : newer);
        }
        merged.putAll(keys);
        keys.clear();
        keys.putAll(merged);
    }

    synchronized boolean contains(RedisKey key) {
        return keys.containsKey(key);
    }

    synchronized int size() {
        return keys.size();
    }

    synchronized boolean isEmpty() {
        return keys.isEmpty();
    }

    /** Asks for a sweep: a change is known to be missing from the queue. */
    synchronized void requestSweep() {
        sweepRequested = true;
    }

    /** Whether a sweep was requested since the last call. */
    synchronized boolean takeSweepRequest() {
        boolean requested = sweepRequested;
        sweepRequested = false;
        return requested;
    }

    synchronized void clear() {
        keys.clear();
        sweepRequested = false;
    }
}
