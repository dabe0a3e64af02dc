package dev.es.engine.lock.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.lock.AbstractLockProviderContractTest;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.LockSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class InMemoryLockProviderTest extends AbstractLockProviderContractTest<InMemoryLockProvider> {

    @Override
    protected InMemoryLockProvider createProvider(LockSettings settings) {
        return new InMemoryLockProvider(settings, Clock.systemUTC());
    }

    @Override
    protected InMemoryLockProvider secondProvider(InMemoryLockProvider first, LockSettings settings) {
        return (first).sharingLeases(settings);
    }

    @Override
    protected InMemoryLockProvider restartedProvider(InMemoryLockProvider first, LockSettings settings) {
        return new InMemoryLockProvider(settings, Clock.systemUTC()); // nothing survives a restart
    }

    @Test
    void providersShareAGivenHeartbeatSchedulerAndLeaveItRunningWhenClosed() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            LockSettings settings = new LockSettings(Duration.ofMillis(600), Duration.ofMillis(100));
            InMemoryLeaseStorage storage = new InMemoryLeaseStorage(Clock.systemUTC());
            LeaseLockProvider a = new LeaseLockProvider(storage, settings, Clock.systemUTC(), scheduler);
            LeaseLockProvider b = new LeaseLockProvider(storage, settings, Clock.systemUTC(), scheduler);
            DistributedLock lock = a.acquire("shared/k", Duration.ZERO);

            Thread.sleep(1500); // more than two leases: only the heartbeat on the shared scheduler keeps it
            assertThat(lock.isValid()).isTrue();
            assertThat(b.tryAcquire("shared/k", Duration.ZERO)).isEmpty();

            a.close();
            b.close();
            assertThat(scheduler.isShutdown()).isFalse();
            lock.close();
            assertThat(b.tryAcquire("shared/k", Duration.ZERO)).isPresent();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
