package dev.es.autoconfigure.store;

import dev.es.autoconfigure.EsProperties;
import dev.es.engine.lock.DistributedLockProvider;
import dev.es.engine.lock.LockSettings;

/** Builds the lock provider named by {@code es.locks.provider}; one bean per kind (memory, blob, jdbc). */
public interface EsLockProviderBackend {

    /** The value of {@code es.locks.provider} this backend serves. */
    EsProperties.LockProvider provider();

    /**
     * The lock provider, keeping its locks in the store {@code storeName} (configured as {@code storeConfig}) where
     * the kind needs one.
     */
    DistributedLockProvider lockProvider(String storeName, EsProperties.Store storeConfig, LockSettings settings);
}
