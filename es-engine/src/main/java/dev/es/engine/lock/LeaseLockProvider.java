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
 * The common part of lease-based lock providers: the bounded, jittered acquire wait, the heartbeat that renews a
 * held lease, and validity tracking. A provider supplies the storage operations (take, renew, release a lease).
 * <p>
 * Fencing tokens: every provider gives an acquisition {@code max(previous token + 1, }{@link #tokenFloor()}{@code )},
 * the floor being the clock in microseconds. Tokens of a key so keep growing across releases, across a restart of a
 * provider that keeps nothing (memory) and across a switch from one provider to another.
 */
public abstract class LeaseLockProvider implements DistributedLockProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseLockProvider.class);
    private static final long MIN_BACKOFF_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 500;

    private final LockSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService heartbeats;

    protected LeaseLockProvider(LockSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "es-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Takes the lease on {@code key} for {@code owner} if nobody holds a live one.
     *
     * @return the new fencing token, or empty when someone else holds the lease
     */
    protected abstract OptionalLong tryLease(String key, String owner, Duration lease);

    /** Extends the lease; false when it is no longer this owner's (expired and taken, or gone). */
    protected abstract boolean renewLease(String key, String owner, long fencingToken, Duration lease);

    /** Gives the lease up if this owner still holds it. */
    protected abstract void releaseLease(String key, String owner, long fencingToken);

    /** Whether someone holds a live lease on {@code key}. */
    protected abstract boolean isLeased(String key);

    @Override
    public boolean isLocked(String key) {
        return isLeased(requireKey(key));
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
            OptionalLong token = tryLease(key, owner, settings.leaseDuration());
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

    /** Stops the heartbeat thread; held locks are no longer renewed. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
    }

    /** The lease timing this provider uses. */
    public LockSettings settings() {
        return settings;
    }

    protected Clock clock() {
        return clock;
    }

    /**
     * The lowest fencing token an acquisition may get now: the provider's clock in microseconds since the epoch.
     * A provider answers {@code max(previous token + 1, tokenFloor())}.
     */
    protected long tokenFloor() {
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
            try {
                if (renewLease(key, owner, token, settings.leaseDuration())) {
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
                    releaseLease(key, owner, token);
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
