package dev.es.engine.lock;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Where lease locks live: the storage steps a {@link LeaseLockProvider} runs its one lease algorithm over (the
 * bounded acquire wait, the heartbeat, validity). One implementation per store: memory, PostgreSQL lease rows, Azure
 * blob leases; a third-party store implements these five steps and runs the lock contract suite.
 */
public interface LeaseStorage {

    /**
     * Takes the lease on {@code key} for {@code owner} if nobody holds a live one, with a fencing token of
     * {@code max(the key's previous token + 1, tokenFloor)}, so that tokens of a key only ever grow.
     *
     * @return the new fencing token, or empty when someone else holds the lease
     */
    OptionalLong tryLease(String key, String owner, Duration lease, long tokenFloor);

    /** Extends the lease; false when it is no longer this owner's (expired and taken, or gone). */
    boolean renewLease(String key, String owner, long fencingToken, Duration lease);

    /** Gives the lease up if this owner still holds it. */
    void releaseLease(String key, String owner, long fencingToken);

    /** Whether someone holds a live lease on {@code key}. */
    boolean isLeased(String key);

    /** Whether the storage can be reached; used by health checks. */
    default boolean isReachable() {
        return true;
    }

    /**
     * Refuses lease timing this storage cannot give (blob leases last 15 to 60 whole seconds).
     *
     * @throws IllegalArgumentException naming what is not possible
     */
    default void requireSupported(LockSettings settings) {
    }
}
