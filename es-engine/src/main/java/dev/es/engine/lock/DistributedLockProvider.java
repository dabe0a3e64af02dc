package dev.es.engine.lock;

import java.time.Duration;
import java.util.Optional;

/** Hands out distributed locks by key. Implementations: memory, blob leases, jdbc lease rows. */
public interface DistributedLockProvider {

    /**
     * Tries to take the lock on {@code key}, waiting at most {@code maxWait} (with jittered back-off) while another
     * holder has it.
     *
     * @return the lock, or empty when it was not free in time
     */
    Optional<DistributedLock> tryAcquire(String key, Duration maxWait);

    /** Whether someone holds a live lease on {@code key}. */
    boolean isLocked(String key);

    /** Takes the lock or throws {@link LockAcquisitionTimeoutException}. */
    default DistributedLock acquire(String key, Duration maxWait) {
        return tryAcquire(key, maxWait).orElseThrow(() -> new LockAcquisitionTimeoutException(key, maxWait));
    }

    /** Whether the provider's storage can be reached; used by health checks. */
    default boolean isReachable() {
        return true;
    }
}
