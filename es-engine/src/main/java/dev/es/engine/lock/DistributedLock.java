package dev.es.engine.lock;

/**
 * A held distributed lock, renewed by a heartbeat until closed. Check {@link #isValid()} before every write made
 * under it: a lease lost to expiry makes it false, and the holder must stop.
 */
public interface DistributedLock extends AutoCloseable {

    /** The key locked, for example {@code migration/Order/42}. */
    String key();

    /** A number that grows with every acquisition of this key; a write stamped with an older token is stale. */
    long fencingToken();

    /** Whether the lock is still held: not closed, and its lease renewed in time. */
    boolean isValid();

    /** Releases the lock; releasing twice does nothing. */
    @Override
    void close();
}
