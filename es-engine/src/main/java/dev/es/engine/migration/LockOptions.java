package dev.es.engine.migration;

import java.time.Duration;

/**
 * The distributed lock of one migration. Lease length and heartbeat are the lock provider's settings
 * ({@code es.locks.*}); here only how long to wait for the lock.
 */
public final class LockOptions {

    Duration timeout;

    LockOptions(MigrationDefaults defaults) {
        timeout = defaults.lockWait();
    }

    /** How long to wait for another migration of the same object to release the lock; zero fails at once. */
    public LockOptions timeout(Duration value) {
        timeout = MigrationDefaults.requirePositiveOrZero("timeout", value);
        return this;
    }
}
