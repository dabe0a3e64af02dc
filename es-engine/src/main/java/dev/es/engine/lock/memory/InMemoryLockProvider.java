package dev.es.engine.lock.memory;

import dev.es.engine.lock.LeaseLockProvider;
import dev.es.engine.lock.LockSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks within one JVM, with the same lease semantics as the distributed providers. The embedded default. Its
 * fencing tokens start from the clock ({@link #tokenFloor()}), so they keep growing after a restart too.
 */
public final class InMemoryLockProvider extends LeaseLockProvider {

    private record Lease(String owner, long token, Instant expiresAt) {
    }

    private final Map<String, Lease> leases;
    private final Map<String, Long> tokens;

    public InMemoryLockProvider() {
        this(LockSettings.defaults(), Clock.systemUTC());
    }

    public InMemoryLockProvider(LockSettings settings, Clock clock) {
        this(settings, clock, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    private InMemoryLockProvider(LockSettings settings, Clock clock, Map<String, Lease> leases,
                                 Map<String, Long> tokens) {
        super(settings, clock);
        this.leases = leases;
        this.tokens = tokens;
    }

    /** Another provider over the same leases, as a second process would see them; with its own heartbeat. */
    public InMemoryLockProvider sharingLeases(LockSettings settings) {
        return new InMemoryLockProvider(settings, clock(), leases, tokens);
    }

    @Override
    protected OptionalLong tryLease(String key, String owner, Duration lease) {
        synchronized (leases) {
            Instant now = clock().instant();
            Lease current = leases.get(key);
            if (current != null && current.expiresAt().isAfter(now)) {
                return OptionalLong.empty();
            }
            long token = tokens.merge(key, tokenFloor(), (previous, floor) -> Math.max(previous + 1, floor));
            leases.put(key, new Lease(owner, token, now.plus(lease)));
            return OptionalLong.of(token);
        }
    }

    @Override
    protected boolean renewLease(String key, String owner, long fencingToken, Duration lease) {
        synchronized (leases) {
            Instant now = clock().instant();
            Lease current = leases.get(key);
            if (current == null || !current.owner().equals(owner) || !current.expiresAt().isAfter(now)) {
                return false;
            }
            leases.put(key, new Lease(owner, fencingToken, now.plus(lease)));
            return true;
        }
    }

    @Override
    protected void releaseLease(String key, String owner, long fencingToken) {
        synchronized (leases) {
            Lease current = leases.get(key);
            if (current != null && current.owner().equals(owner)) {
                leases.remove(key);
            }
        }
    }

    @Override
    protected boolean isLeased(String key) {
        synchronized (leases) {
            Lease current = leases.get(key);
            return current != null && current.expiresAt().isAfter(clock().instant());
        }
    }
}
