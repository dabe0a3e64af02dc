package dev.es.engine.lock.memory;

import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.LockSettings;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Locks within one JVM, with the same lease semantics as the distributed providers: a {@link LeaseLockProvider} over
 * an {@link InMemoryLeaseStorage}. The embedded default. Its fencing tokens start from the clock
 * ({@link #tokenFloor()}), so they keep growing after a restart too.
 */
public final class InMemoryLockProvider extends LeaseLockProvider {

    public InMemoryLockProvider() {
        this(LockSettings.defaults(), Clock.systemUTC());
    }

    public InMemoryLockProvider(LockSettings settings, Clock clock) {
        this(new InMemoryLeaseStorage(clock), settings, clock);
    }

    /** Leases renewed on {@code heartbeats} (shared with other providers), which {@link #close()} leaves running. */
    public InMemoryLockProvider(LockSettings settings, Clock clock, ScheduledExecutorService heartbeats) {
        super(new InMemoryLeaseStorage(clock), settings, clock, heartbeats);
    }

    private InMemoryLockProvider(InMemoryLeaseStorage storage, LockSettings settings, Clock clock) {
        super(storage, settings, clock);
    }

    /** Another provider over the same leases, as a second process would see them; with its own heartbeat. */
    public InMemoryLockProvider sharingLeases(LockSettings settings) {
        return new InMemoryLockProvider((InMemoryLeaseStorage) storage(), settings, clock());
    }
}
