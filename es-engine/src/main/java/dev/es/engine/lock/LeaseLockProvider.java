package dev.es.engine.lock;

import dev.es.engine.EsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease-based distributed locks over a {@link LeaseStorage}: the one lease algorithm (the bounded, jittered acquire
 * wait, the heartbeat that renews a held lease, validity tracking) over a store's storage steps. The heartbeat runs
 * on a {@link ScheduledExecutorService} the caller gives (one for every provider of an application), or on a daemon
 * thread of the provider's own, which {@link #close()} stops.
 * <p>
 * Fencing tokens: every acquisition gets {@code max(previous token + 1, }{@link #tokenFloor()}{@code )}, the floor
 * being the clock in microseconds. Tokens of a key so keep growing across releases, across a restart of a provider
 * that keeps nothing (memory) and across a switch from one provider to another.
 */
public class LeaseLockProvider implements DistributedLockProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseLockProvider.class);
    private static final long MIN_BACKOFF_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 500;

    private final LeaseStorage storage;
    private final LockSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService heartbeats;
    private final boolean ownHeartbeats;

    /** Locks over {@code storage}, renewed by a heartbeat thread of this provider's own. */
    public LeaseLockProvider(LeaseStorage storage, LockSettings settings, Clock clock) {
        this(storage, settings, clock, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "es-lock-heartbeat");
            t.setDaemon(true);
            return t;
        }), true);
    }

    /** Locks over {@code storage}, renewed on {@code heartbeats}, which {@link #close()} leaves running. */
    public LeaseLockProvider(LeaseStorage storage, LockSettings settings, Clock clock,
                             ScheduledExecutorService heartbeats) {
        this(storage, settings, clock, heartbeats, false);
    }

    private LeaseLockProvider(LeaseStorage storage, LockSettings settings, Clock clock,
                              ScheduledExecutorService heartbeats, boolean ownHeartbeats) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.heartbeats = Objects.requireNonNull(heartbeats, "heartbeats");
        this.ownHeartbeats = ownHeartbeats;
        storage.requireSupported(settings);
    }

    /** The storage the leases live in. */
    public LeaseStorage storage() {
        return storage;
    }

    @Override
    public boolean isLocked(String key) {
        return storage.isLeased(requireKey(key));
    }

    @Override
    public Optional<DistributedLock> tryAcquire(String key, Duration maxWait) {
        requireKey(key);
        Objects.requireNonNull(maxWait, "maxWait");
        String owner = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        long backoff = MIN_BACKOFF_MILLIS;
        while (true) {
            // the lease runs from before the request: the holder never believes in it longer than the storage does
            Instant requested = clock.instant();
            OptionalLong token = storage.tryLease(key, owner, settings.leaseDuration(), tokenFloor());
            if (token.isPresent()) {
                return Optional.of(new LeaseLock(key, owner, token.getAsLong(), requested));
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return Optional.empty();
            }
            long sleep = Math.min(left, backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            try {
                Thread.sleep(Math.max(1, sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EsException("Interrupted while waiting for lock '" + key + "'", e);
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    /**
     * Stops the heartbeat thread when it is this provider's own (held locks are then no longer renewed); a given
     * scheduler is left running.
     */
    @Override
    public void close() {
        if (ownHeartbeats) {
            heartbeats.shutdownNow();
        }
    }

    @Override
    public boolean isReachable() {
        return storage.isReachable();
    }

    /** The lease timing this provider uses. */
    public LockSettings settings() {
        return settings;
    }

    /** The clock leases are timed with. */
    public Clock clock() {
        return clock;
    }

    /**
     * The lowest fencing token an acquisition may get now: the provider's clock in microseconds since the epoch.
     * A provider answers {@code max(previous token + 1, tokenFloor())}.
     */
    public long tokenFloor() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }

    private static String requireKey(String key) {
        if (key == null || key.isBlank() || key.length() > 500) {
            throw new IllegalArgumentException("Lock key must be 1 to 500 characters, was " + key);
        }
        return key;
    }

    private final class LeaseLock implements DistributedLock {

        private final String key;
        private final String owner;
        private final long token;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile Instant validUntil;
        private volatile boolean lost;
        private final ScheduledFuture<?> heartbeat;

        LeaseLock(String key, String owner, long token, Instant requested) {
            this.key = key;
            this.owner = owner;
            this.token = token;
            this.validUntil = requested.plus(settings.leaseDuration());
            long every = settings.heartbeatInterval().toMillis();
            this.heartbeat = heartbeats.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            if (released.get() || lost) {
                return;
            }
            Instant attempted = clock.instant();
            if (!attempted.isBefore(validUntil)) {
                // ran out before this renewal was asked for: a holder may already have seen it invalid and given
                // up, and a storage may still renew an expired lease nobody took (blob leases do); it stays lost
                lost = true;
                log.warn("Lock '{}' (token {}) was lost: its lease ran out at {} before it could be renewed", key,
                        token, validUntil);
                heartbeat.cancel(false);
                return;
            }
            try {
                if (storage.renewLease(key, owner, token, settings.leaseDuration())) {
                    validUntil = attempted.plus(settings.leaseDuration());
                } else {
                    lost = true;
                    log.warn("Lock '{}' (token {}) was lost: its lease could not be renewed", key, token);
                    heartbeat.cancel(false);
                }
            } catch (RuntimeException e) {
                log.warn("Renewing lock '{}' failed; it stays valid until {} unless a renewal succeeds", key,
                        validUntil, e);
            }
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public boolean isValid() {
            return !released.get() && !lost && clock.instant().isBefore(validUntil);
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                heartbeat.cancel(false);
                try {
                    storage.releaseLease(key, owner, token);
                } catch (RuntimeException e) {
                    log.warn("Releasing lock '{}' failed; its lease will expire by itself", key, e);
                }
            }
        }

        @Override
        public String toString() {
            return "Lock[" + key + ", token " + token + "]";
        }
    }
}
