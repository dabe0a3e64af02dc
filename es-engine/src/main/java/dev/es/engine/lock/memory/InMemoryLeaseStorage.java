package dev.es.engine.lock.memory;

import dev.es.engine.lock.LeaseStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/** Leases in this JVM's memory, timed by a {@link Clock}: the storage of {@link InMemoryLockProvider}. */
public final class InMemoryLeaseStorage implements LeaseStorage {

    private record Lease(String owner, long token, Instant expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Long> tokens = new HashMap<>();

    public InMemoryLeaseStorage(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized OptionalLong tryLease(String key, String owner, Duration lease, long tokenFloor) {
        Instant now = clock.instant();
        Lease current = leases.get(key);
        if (current != null && current.expiresAt().isAfter(now)) {
            return OptionalLong.empty();
        }
        long token = tokens.merge(key, tokenFloor, (previous, floor) -> Math.max(previous + 1, floor));
        leases.put(key, new Lease(owner, token, now.plus(lease)));
        return OptionalLong.of(token);
    }

    @Override
    public synchronized boolean renewLease(String key, String owner, long fencingToken, Duration lease) {
        Instant now = clock.instant();
        Lease current = leases.get(key);
        if (current == null || !current.owner().equals(owner) || !current.expiresAt().isAfter(now)) {
            return false;
        }
        leases.put(key, new Lease(owner, fencingToken, now.plus(lease)));
        return true;
    }

    @Override
    public synchronized void releaseLease(String key, String owner, long fencingToken) {
        Lease current = leases.get(key);
        if (current != null && current.owner().equals(owner)) {
            leases.remove(key);
        }
    }

    @Override
    public synchronized boolean isLeased(String key) {
        Lease current = leases.get(key);
        return current != null && current.expiresAt().isAfter(clock.instant());
    }
}
