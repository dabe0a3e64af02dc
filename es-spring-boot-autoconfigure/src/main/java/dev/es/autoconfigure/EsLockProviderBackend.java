package dev.es.autoconfigure;

import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;
import java.util.concurrent.ScheduledExecutorService;

/** Builds the lock provider named by {@code es.locks.provider}; one bean per kind (memory, blob, jdbc). */
interface EsLockProviderBackend {

    /** The value of {@code es.locks.provider} this backend serves. */
    EsProperties.LockProvider provider();

    /**
     * The lock provider, keeping its locks in the store {@code store} where the kind needs one and renewing its leases
     * on {@code heartbeats}, which it leaves running when closed.
     */
    DistributedLockProvider lockProvider(StoreSettings store, LockSettings settings,
                                         ScheduledExecutorService heartbeats);
}
