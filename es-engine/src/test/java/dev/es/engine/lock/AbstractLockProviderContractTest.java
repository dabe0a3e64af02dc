package dev.es.engine.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DistributedLockProvider} must do: exclusive locks, bounded acquire wait, increasing fencing
 * tokens, heartbeat renewal, and expiry takeover that the old holder notices.
 */
public abstract class AbstractLockProviderContractTest<P extends DistributedLockProvider> {

    /** A provider with the given lease timing. */
    protected abstract P createProvider(LockSettings settings);

    /** Another provider over the same storage as {@code first}, as a second process would be. */
    protected abstract P secondProvider(P first, LockSettings settings);

    /**
     * A new provider instance over the storage of {@code first}, as after a restart of its process; a provider that
     * keeps its state in memory starts with none.
     */
    protected P restartedProvider(P first, LockSettings settings) {
        return secondProvider(first, settings);
    }

    /** The shortest lease the storage allows; blob leases cannot be shorter than 15 s. */
    protected Duration shortLease() {
        return Duration.ofMillis(1500);
    }

    /**
     * Stops the provider: its heartbeat no longer renews the leases it holds, as when its process hangs. The default
     * closes a provider that is {@link AutoCloseable}.
     */
    protected void stop(P provider) throws Exception {
        if (provider instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private final java.util.List<P> made = new java.util.ArrayList<>();

    private P provider(LockSettings settings) {
        P p = createProvider(settings);
        made.add(p);
        return p;
    }

    private P second(P first, LockSettings settings) {
        P p = secondProvider(first, settings);
        made.add(p);
        return p;
    }

    @AfterEach
    void closeProviders() throws Exception {
        for (P p : made) {
            stop(p);
        }
    }

    private static String key() {
        return "test/" + UUID.randomUUID();
    }

    private LockSettings shortSettings() {
        return new LockSettings(shortLease(), shortLease().dividedBy(5));
    }

    @Test
    void aHeldLockIsExclusiveAndTheSecondAcquirerTimesOut() {
        P a = provider(LockSettings.defaults());
        P b = second(a, LockSettings.defaults());
        String key = key();
        DistributedLock held = a.tryAcquire(key, Duration.ZERO).orElseThrow();
        assertThat(held.isValid()).isTrue();
        assertThat(held.key()).isEqualTo(key);
        assertThat(a.isLocked(key)).isTrue();
        assertThat(b.isLocked(key)).isTrue();

        long started = System.nanoTime();
        Optional<DistributedLock> other = b.tryAcquire(key, Duration.ofMillis(700));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(other).isEmpty();
        assertThat(waitedMillis).isBetween(600L, 10_000L);
        assertThatThrownBy(() -> b.acquire(key, Duration.ofMillis(50)))
                .isInstanceOfSatisfying(LockAcquisitionTimeoutException.class, e -> assertThat(e.key()).isEqualTo(key));
        held.close();
    }

    @Test
    void aReleasedLockCanBeTakenWithAHigherFencingToken() {
        P a = provider(LockSettings.defaults());
        P b = second(a, LockSettings.defaults());
        String key = key();
        DistributedLock first = a.acquire(key, Duration.ZERO);
        first.close();
        first.close();
        assertThat(first.isValid()).isFalse();
        assertThat(a.isLocked(key)).isFalse();
        try (DistributedLock next = b.acquire(key, Duration.ofSeconds(5))) {
            assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
        }
    }

    @Test
    void aLaterAcquisitionHasAHigherTokenAlsoFromANewProviderInstance() throws Exception {
        P a = provider(LockSettings.defaults());
        String key = key();
        long previous = 0;
        for (int i = 0; i < 3; i++) {
            try (DistributedLock lock = a.acquire(key, Duration.ZERO)) {
                assertThat(lock.fencingToken()).isGreaterThan(previous);
                previous = lock.fencingToken();
            }
        }
        stop(a);
        P restarted = restartedProvider(a, LockSettings.defaults());
        made.add(restarted);
        try (DistributedLock lock = restarted.acquire(key, Duration.ZERO)) {
            assertThat(lock.fencingToken()).isGreaterThan(previous);
            previous = lock.fencingToken();
        }
        P other = second(restarted, LockSettings.defaults());
        try (DistributedLock lock = other.acquire(key, Duration.ZERO)) {
            assertThat(lock.fencingToken()).isGreaterThan(previous);
        }
    }

    @Test
    void aWaitingAcquirerGetsTheLockWhenItIsReleased() throws Exception {
        P a = provider(LockSettings.defaults());
        P b = second(a, LockSettings.defaults());
        String key = key();
        DistributedLock held = a.acquire(key, Duration.ZERO);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Optional<DistributedLock>> waiting = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            return b.tryAcquire(key, Duration.ofSeconds(20));
        });
        // released only once the acquirer was refused and backs off: it waits for the lock, it does not just get it
        // (a bounded poll by hand, not Awaitility: es-test ships this class and does not depend on Awaitility)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!backingOff(waiter.get())) {
            assertThat(System.nanoTime()).as("the acquirer backs off within 10 s").isLessThan(deadline);
            Thread.sleep(1); // the poll interval
        }
        assertThat(waiting).isNotDone();
        held.close();
        Optional<DistributedLock> got = waiting.get(30, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        got.get().close();
    }

    @Test
    void differentKeysDoNotBlockEachOther() {
        P a = provider(LockSettings.defaults());
        try (DistributedLock one = a.acquire(key(), Duration.ZERO);
             DistributedLock two = a.acquire(key(), Duration.ZERO)) {
            assertThat(one.isValid()).isTrue();
            assertThat(two.isValid()).isTrue();
        }
    }

    @Test
    void theHeartbeatKeepsTheLeaseAlive() throws Exception {
        LockSettings settings = shortSettings();
        P a = provider(settings);
        P b = second(a, settings);
        String key = key();
        try (DistributedLock held = a.acquire(key, Duration.ZERO)) {
            Thread.sleep(shortLease().multipliedBy(2).toMillis()); // the time is the point: two leases pass
            assertThat(held.isValid()).isTrue();
            assertThat(b.tryAcquire(key, Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheOldHolderSeesItIsNoLongerValid() throws Exception {
        LockSettings settings = shortSettings();
        P a = provider(settings);
        P b = second(a, settings);
        String key = key();
        DistributedLock old = a.acquire(key, Duration.ZERO);
        stop(a); // the heartbeat stops, as when the holder's process hangs

        DistributedLock taker = b.acquire(key, shortLease().multipliedBy(3));
        assertThat(taker.fencingToken()).isGreaterThan(old.fencingToken());
        assertThat(old.isValid()).isFalse();
        assertThat(taker.isValid()).isTrue();
        old.close(); // releasing a lost lock must not release the new holder's lease
        assertThat(b.isLocked(key)).isTrue();
        taker.close();
    }

    /** Whether {@code thread} sleeps in the back-off of {@link LeaseLockProvider#tryAcquire}, after a refusal. */
    private static boolean backingOff(Thread thread) {
        if (thread == null) {
            return false;
        }
        StackTraceElement[] stack = thread.getStackTrace();
        boolean sleeping = false;
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals(Thread.class.getName()) && frame.getMethodName().startsWith("sleep")) {
                sleeping = true;
            } else if (sleeping && frame.getClassName().equals(LeaseLockProvider.class.getName())
                    && frame.getMethodName().equals("tryAcquire")) {
                return true;
            }
        }
        return false;
    }
}
