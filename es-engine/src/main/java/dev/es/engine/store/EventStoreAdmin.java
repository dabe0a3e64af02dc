package dev.es.engine.store;

/**
 * An event store's operations for operators and the engine's housekeeping, apart from the transactional ones of
 * {@link EventStore} (which extends this): deleting a stream (a cancelled migration's target, a test's leftovers)
 * and whether the storage can be reached (health). Code that only administers stores depends on this alone.
 */
public interface EventStoreAdmin {

    /** Deletes the stream and its events (and its fence); deleting an absent stream does nothing. */
    void delete(String streamId);

    /** Whether the store can be reached; used by health checks. */
    default boolean isReachable() {
        return true;
    }
}
