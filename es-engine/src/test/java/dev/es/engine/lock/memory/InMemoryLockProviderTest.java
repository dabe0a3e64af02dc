package dev.es.engine.lock.memory;

import dev.es.engine.lock.AbstractLockProviderContractTest;
import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.LockSettings;
import java.time.Clock;

class InMemoryLockProviderTest extends AbstractLockProviderContractTest {

    @Override
    protected LeaseLockProvider createProvider(LockSettings settings) {
        return new InMemoryLockProvider(settings, Clock.systemUTC());
    }

    @Override
    protected LeaseLockProvider secondProvider(LeaseLockProvider first, LockSettings settings) {
        return ((InMemoryLockProvider) first).sharingLeases(settings);
    }

    @Override
    protected LeaseLockProvider restartedProvider(LeaseLockProvider first, LockSettings settings) {
        return new InMemoryLockProvider(settings, Clock.systemUTC()); // nothing survives a restart
    }
}
