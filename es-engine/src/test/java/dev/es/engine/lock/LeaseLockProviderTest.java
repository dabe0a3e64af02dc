package dev.es.engine.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.lock.memory.InMemoryLeaseStorage;
import dev.es.engine.support.ManualHeartbeats;
import dev.es.engine.support.MutableClock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lease algorithm of {@link LeaseLockProvider} under a controllable clock and hand-driven heartbeats (issue 15):
 * a renewal refused means the lock is lost at once; a renewal that throws leaves it valid until its deadline and no
 * longer; validity counts from the moment a lease was requested, not answered; a lease that ran out is not revived by
 * a later renewal.
 */
class LeaseLockProviderTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    /** The real in-memory storage, whose answers a test can refuse, make throw, or make slow (the clock moves). */
    private static final class ControllableStorage implements LeaseStorage {
        final InMemoryLeaseStorage storage;
        final MutableClock clock;
        volatile boolean refuse;
        volatile boolean fail;
        volatile Duration takes = Duration.ZERO;
        /** Renews a lease that ran out but was not taken since, as Azure Blob Storage's Renew Lease does. */
        volatile boolean renewsExpired;
        final AtomicInteger renewals = new AtomicInteger();

        ControllableStorage(MutableClock clock) {
            this.clock = clock;
            this.storage = new InMemoryLeaseStorage(clock);
        }

        @Override
        public OptionalLong tryLease(String key, String owner, Duration lease, long tokenFloor) {
            clock.advance(takes);
            return storage.tryLease(key, owner, lease, tokenFloor);
        }

        @Override
        public boolean renewLease(String key, String owner, long fencingToken, Duration lease) {
            renewals.incrementAndGet();
            if (fail) {
                throw new IllegalStateException("injected fault: the lease storage timed out");
            }
            clock.advance(takes);
            if (refuse) {
                return false;
            }
            return storage.renewLease(key, owner, fencingToken, lease) || renewsExpired && !storage.isLeased(key);
        }

        @Override
        public void releaseLease(String key, String owner, long fencingToken) {
            storage.releaseLease(key, owner, fencingToken);
        }

        @Override
        public boolean isLeased(String key) {
            return storage.isLeased(key);
        }
    }

    private final MutableClock clock = new MutableClock();
    private final ControllableStorage storage = new ControllableStorage(clock);
    private final ManualHeartbeats heartbeats = new ManualHeartbeats();
    private final LeaseLockProvider locks = new LeaseLockProvider(storage,
            new LockSettings(LEASE, Duration.ofSeconds(10)), clock, heartbeats);

    @AfterEach
    void stop() {
        heartbeats.shutdownNow();
    }

    private DistributedLock acquire() {
        return locks.tryAcquire("migration/Order/1", Duration.ZERO).orElseThrow();
    }

    @Test
    void aRefusedRenewalLosesTheLockAtOnceAndStopsTheHeartbeat() {
        DistributedLock lock = acquire();
        clock.advance(Duration.ofSeconds(10));
        heartbeats.beat();
        assertThat(lock.isValid()).isTrue();

        storage.refuse = true;
        clock.advance(Duration.ofSeconds(10));
        heartbeats.beat();
        assertThat(lock.isValid()).as("lost although its lease had 40 s left").isFalse();

        int renewals = storage.renewals.get();
        storage.refuse = false;
        heartbeats.beat();
        assertThat(storage.renewals.get()).as("no renewal after the loss").isEqualTo(renewals);
        assertThat(lock.isValid()).isFalse();
    }

    @Test
    void aRenewalThatThrowsLeavesTheLockValidUntilItsDeadlineAndNoLonger() {
        DistributedLock lock = acquire();
        storage.fail = true;
        clock.advance(Duration.ofSeconds(30));
        heartbeats.beat();
        assertThat(lock.isValid()).isTrue();
        clock.advance(Duration.ofSeconds(29).plusMillis(999));
        heartbeats.beat();
        assertThat(lock.isValid()).as("1 ms before the deadline").isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(lock.isValid()).as("at the deadline").isFalse();
    }

    @Test
    void aRenewalThatThrowsThenSucceedsExtendsTheLease() {
        DistributedLock lock = acquire();
        storage.fail = true;
        clock.advance(Duration.ofSeconds(30));
        heartbeats.beat();
        storage.fail = false;
        clock.advance(Duration.ofSeconds(10));
        heartbeats.beat();
        clock.advance(Duration.ofSeconds(50));
        assertThat(lock.isValid()).as("renewed at 40 s, valid to 100 s").isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(lock.isValid()).isFalse();
    }

    @Test
    void validityCountsFromTheRequestNotTheAnswer() {
        storage.takes = Duration.ofSeconds(5); // each storage call takes 5 s
        DistributedLock lock = acquire();      // requested at 0, answered at 5
        clock.advance(Duration.ofSeconds(54).plusMillis(999));
        assertThat(lock.isValid()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(lock.isValid()).as("60 s after the request, 55 s after the answer").isFalse();
    }

    @Test
    void aRenewalCountsFromItsRequestToo() {
        DistributedLock lock = acquire();      // valid to 60
        storage.takes = Duration.ofSeconds(5);
        clock.advance(Duration.ofSeconds(10));
        heartbeats.beat();                     // requested at 10, answered at 15: valid to 70
        clock.advance(Duration.ofSeconds(54).plusMillis(999));
        assertThat(lock.isValid()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(lock.isValid()).isFalse();
    }

    @Test
    void aLeaseThatRanOutIsNotRevivedByALaterRenewal() {
        DistributedLock lock = acquire();
        storage.fail = true;
        clock.advance(LEASE.plusSeconds(1));   // the heartbeat could not renew in time: the lock ran out
        assertThat(lock.isValid()).isFalse();
        assertThat(locks.isLocked("migration/Order/1")).isFalse();

        // the storage answers again before anyone else took the lease: its renewal would succeed there, but the
        // holder already saw its lock invalid and may have given up: the lock stays lost
        storage.fail = false;
        storage.renewsExpired = true;
        heartbeats.beat();
        assertThat(lock.isValid()).isFalse();
        assertThat(locks.tryAcquire("migration/Order/1", Duration.ZERO)).as("free for the next holder").isPresent();
    }

    @Test
    void aNewHolderAfterExpiryGetsAHigherTokenAndTheOldOneStaysLost() {
        DistributedLock first = acquire();
        clock.advance(LEASE);
        DistributedLock second = acquire();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        heartbeats.beat();
        assertThat(first.isValid()).isFalse();
        assertThat(second.isValid()).isTrue();
        first.close();                          // the old holder's release must not free the new holder's lease
        assertThat(locks.isLocked("migration/Order/1")).isTrue();
        assertThat(second.isValid()).isTrue();
    }
}
