package dev.es.engine.migration;

import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.support.HookedEventStore;
import dev.es.engine.support.Orders;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * Graceful shutdown ({@code suspendAll}, what the starter's shutdown hook calls) at the moments issue 15 found
 * untested: past the close (the migration finishes instead of pausing), with the shutdown timeout running out (the
 * call returns in time, naming one migration left; the migration pauses at its next safe point and releases its lock)
 * and with the writers held at the pause gate (the close under the gate wins, the held writer goes on, onto the
 * target, and nobody stays held).
 */
class GracefulShutdownTest {

    private HookedEventStore main;
    private HookedEventStore other;
    private EventStreams streams;
    private InMemoryLockProvider locks;
    private DefaultEventStreamMigrationService migrations;
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void setUp() {
        main = new HookedEventStore(new InMemoryEventStore("main"));
        other = new HookedEventStore(new InMemoryEventStore("other"));
        streams = new EventStreams(EventStoreRegistry.of(main, other), new InMemoryDocumentStore(),
                new InMemoryTagStore(), EventStreamSettings.defaults().withChunkSize(10), "main");
        locks = new InMemoryLockProvider();
        migrations = new DefaultEventStreamMigrationService(streams, locks, new InMemoryMigrationRoutingTable(),
                MigrationDefaults.defaults(), MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        migrations.close();
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    /** Starts the shutdown on a thread of its own and waits until it asked every migration to stop. */
    private AtomicInteger shutdown(Duration timeout) {
        AtomicInteger left = new AtomicInteger(-1);
        Thread stopper = thread("shutdown", () -> left.set(migrations.suspendAll(timeout,
                MigrationAuditRecord.BY_SHUTDOWN)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !stopper.isAlive()
                || stopper.getState() == Thread.State.TIMED_WAITING || stopper.getState() == Thread.State.WAITING);
        return left;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aShutdownPastTheCloseLetsTheMigrationFinish() throws Exception {
        String id = Orders.withNotes(streams, 25);
        List<String> before = Orders.eventIds(streams, id);
        AtomicReference<AtomicInteger> left = new AtomicReference<>();
        main.afterAppend(events -> {
            if (HookedEventStore.isClose(events)) {
                left.set(shutdown(Duration.ofSeconds(10))); // the close is written: too late to pause
            }
        });

        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other").start();
        MigrationResult result = handle.await(Duration.ofSeconds(30));

        assertThat(result.status()).as("result %s", result).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(left.get()).as("the shutdown ran during the close").isNotNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(left.get().get()).isZero());
        assertThat(streams.documents().get("Order", id).orElseThrow().active().store()).isEqualTo("other");
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(before);
        assertThat(migrations.get(result.migrationId()).orElseThrow().audit())
                .noneMatch(r -> r.status() == MigrationStatus.PAUSED);
    }

    @Test
    void whenTheShutdownTimeoutRunsOutTheCallReturnsAndTheMigrationPausesLater() throws Exception {
        String id = Orders.withNotes(streams, 25);
        List<String> before = Orders.eventIds(streams, id);
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        other.beforeAppend(events -> {
            if (first.getAndSet(false)) {
                copying.countDown();
                awaitQuietly(release); // a store call that takes longer than the shutdown may wait
            }
        });
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other").start();
        assertThat(copying.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        int left = migrations.suspendAll(Duration.ofMillis(300), MigrationAuditRecord.BY_SHUTDOWN);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(left).as("one migration did not reach a safe point in time").isEqualTo(1);
        assertThat(tookMillis).as("the shutdown waited its timeout, not longer").isBetween(250L, 5_000L);
        release.countDown();
        MigrationResult paused = handle.await(Duration.ofSeconds(10));
        assertThat(paused.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(locks.isLocked("migration/Order/" + id)).as("its lock is released").isFalse();
        String source = streams.documents().get("Order", id).orElseThrow().active().streamId();
        assertThat(main.closeEvent(source)).isNull();

        MigrationResult rerun = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(rerun.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(rerun.migrationId()).as("resumed, not started anew").isEqualTo(handle.migrationId());
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(before);
    }

    @Test
    void aShutdownWhileTheWritersAreHeldAtThePauseGateLeavesNobodyHeld() throws Exception {
        String id = Orders.withNotes(streams, 25);
        List<String> before = Orders.eventIds(streams, id);
        main.declineHolds(true); // no store hold: the migration holds this process's writers at the write gate
        EventData held = EventData.of("NoteAdded", "{\"n\":\"held at the gate\"}");
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        AtomicReference<Thread> writer = new AtomicReference<>();
        AtomicReference<AtomicInteger> left = new AtomicReference<>();
        main.beforeAppend(events -> {
            if (HookedEventStore.isClose(events) && writer.get() == null) {
                // the gate is shut and the close is on its way: a writer arrives and waits, the shutdown comes
                writer.set(thread("writer", () -> {
                    try {
                        streams.open("Order", id).append(ExpectedVersion.any(), List.of(held));
                    } catch (Throwable t) {
                        writerError.set(t);
                    }
                }));
                await().atMost(Duration.ofSeconds(10)).until(() -> writer.get().getState() == Thread.State.WAITING
                        || writer.get().getState() == Thread.State.TIMED_WAITING || !writer.get().isAlive());
                left.set(shutdown(Duration.ofSeconds(10)));
            }
        });

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.closeAttemptsBeforePause(0).maxSourcePause(Duration.ofSeconds(5)))
                .execute();

        assertThat(result.status()).as("result %s", result).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(writer.get()).as("a writer was held at the gate").isNotNull();
        writer.get().join(10_000);
        assertThat(writer.get().isAlive()).as("the held writer went on").isFalse();
        assertThat(writerError.get()).isNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(left.get().get()).isZero());
        List<String> expected = new ArrayList<>(before);
        expected.add(held.eventId());
        assertThat(Orders.eventIds(streams, id)).containsExactlyElementsOf(expected);
        String target = streams.documents().get("Order", id).orElseThrow().active().streamId();
        assertThat(other.read(target, 1, 100)).extracting(StoredEvent::eventId).contains(held.eventId());

        // and nobody stays held: a new append goes through at once
        long started = System.nanoTime();
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(EventData.of("NoteAdded", "{}")));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
    }
}
