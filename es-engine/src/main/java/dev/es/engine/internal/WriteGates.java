package dev.es.engine.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * Internal, not part of the API. Lets a migration make this process's writers of one object wait, briefly and
 * boundedly, so that its close can win against a writer that appends faster than catch-up copies (the
 * {@code PAUSE_SOURCE} strategy, on a store that cannot hold writers itself). Writers never lose a write to a gate:
 * after waiting at most the gate's pause they go on, and a close that then loses the race is simply tried again.
 * Correctness never depends on the gate; convergence does.
 */
public final class WriteGates {

    private static final class Gate {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        volatile Duration maxWriterWait = Duration.ZERO;
    }

    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    /** A closed gate; {@link #close()} opens it again. */
    public interface Closed extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Closes the gate of an object: waits up to {@code drainTimeout} for writers in flight to finish, then holds new
     * writers for at most {@code maxWriterWait} each.
     *
     * @return the closed gate, or {@code null} when writers in flight did not finish in time
     */
    public @Nullable Closed close(String objectName, String objectId, Duration drainTimeout,
                                  Duration maxWriterWait) {
        Gate gate = gates.computeIfAbsent(key(objectName, objectId), k -> new Gate());
        gate.maxWriterWait = maxWriterWait;
        try {
            if (!gate.lock.writeLock().tryLock(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return () -> gate.lock.writeLock().unlock();
    }

    /** Runs a writer's append through the object's gate, if it has one. */
    public <T> T pass(String objectName, String objectId, java.util.function.Supplier<T> append) {
        Gate gate = gates.get(key(objectName, objectId));
        if (gate == null) {
            return append.get();
        }
        boolean entered;
        try {
            entered = gate.lock.readLock().tryLock(gate.maxWriterWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            entered = false;
        }
        try {
            return append.get();
        } finally {
            if (entered) {
                gate.lock.readLock().unlock();
            }
        }
    }

    private static String key(String objectName, String objectId) {
        return objectName + '\u0000' + objectId;
    }
}
