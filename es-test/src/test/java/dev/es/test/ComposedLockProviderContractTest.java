package dev.es.test;

import dev.es.engine.lock.AbstractLockProviderContractTest;
import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLeaseStorage;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A lock provider composed as a user would compose one over a storage of their own ({@link LeaseLockProvider} over a
 * {@link dev.es.engine.lock.LeaseStorage}), run through es's lock contract suite from this artifact.
 */
class ComposedLockProviderContractTest extends AbstractLockProviderContractTest<LeaseLockProvider> {

    private final Map<LeaseLockProvider, InMemoryLeaseStorage> storages = new IdentityHashMap<>();

    @Override
    protected LeaseLockProvider createProvider(LockSettings settings) {
        InMemoryLeaseStorage storage = new InMemoryLeaseStorage(Clock.systemUTC());
        LeaseLockProvider provider = new LeaseLockProvider(storage, settings, Clock.systemUTC());
        storages.put(provider, storage);
        return provider;
    }

    @Override
    protected LeaseLockProvider secondProvider(LeaseLockProvider first, LockSettings settings) {
        LeaseLockProvider provider = new LeaseLockProvider(storages.get(first), settings, Clock.systemUTC());
        storages.put(provider, storages.get(first));
        return provider;
    }

    @Override
    protected LeaseLockProvider restartedProvider(LeaseLockProvider first, LockSettings settings) {
        return createProvider(settings); // memory: nothing survives a restart
    }
}
