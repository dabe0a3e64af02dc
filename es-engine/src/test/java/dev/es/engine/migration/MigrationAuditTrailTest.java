package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.FunctionTransformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The audit trail of routing entries on the memory stores: every phase and status change, with its time, who asked
 * (the migration itself, the Java API, the actuator or any caller named through {@code requestedBy}, the shutdown)
 * and the fencing token, returned by {@code migrations.get(id)}.
 */
@Timeout(60)
class MigrationAuditTrailTest {

    private final InMemoryEventStore main = new InMemoryEventStore("main");
    private final InMemoryEventStore other = new InMemoryEventStore("other");
    private final InMemoryLockProvider locks = new InMemoryLockProvider();
    private final InMemoryMigrationRoutingTable routing = new InMemoryMigrationRoutingTable();
    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUp() {
        streams = new EventStreams(EventStoreRegistry.of(main, other), new InMemoryDocumentStore(),
                new InMemoryTagStore(), EventStreamSettings.defaults().withChunkSize(10), "main");
        migrations = service();
    }

    private DefaultEventStreamMigrationService service() {
        return new DefaultEventStreamMigrationService(streams, locks, routing,
                new MigrationDefaults(Duration.ofMinutes(1), Duration.ZERO, ConvergenceFailureStrategy.KEEP_TRYING,
                        Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        migrations.close();
    }

    private String objectWith(int events) {
        String id = "a" + UUID.randomUUID().toString().substring(0, 10);
        streams.open("Order", id).append(ExpectedVersion.noStream(),
                IntStream.range(0, events).mapToObj(i -> note("n" + i)).toList());
        return id;
    }

    private static EventData note(String text) {
        return new EventData(null, "NoteAdded", 1, "{\"text\":\"" + text + "\"}", null);
    }

    private List<MigrationAuditRecord> audit(String migrationId) {
        return migrations.get(migrationId).orElseThrow().audit();
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: %s", what).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    @Test
    void aCompletedMigrationRecordsEveryPhaseWithTimeActorAndFencingToken() {
        String id = objectWith(25);
        Instant before = Instant.now();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);

        MigrationEntry entry = migrations.get(result.migrationId()).orElseThrow();
        List<MigrationAuditRecord> audit = entry.audit();
        assertThat(audit).extracting(MigrationAuditRecord::phase).containsExactly(MigrationPhase.PENDING,
                MigrationPhase.CATCH_UP, MigrationPhase.CLOSING, MigrationPhase.CUTOVER, MigrationPhase.BOOK_CLOSED);
        assertThat(audit).extracting(MigrationAuditRecord::status).containsExactly(MigrationStatus.IN_PROGRESS,
                MigrationStatus.IN_PROGRESS, MigrationStatus.IN_PROGRESS, MigrationStatus.CUTTING_OVER,
                MigrationStatus.COMPLETED);
        assertThat(audit).extracting(MigrationAuditRecord::requestedBy).containsExactly(MigrationAuditRecord.BY_API,
                MigrationAuditRecord.BY_MIGRATION, MigrationAuditRecord.BY_MIGRATION,
                MigrationAuditRecord.BY_MIGRATION, MigrationAuditRecord.BY_MIGRATION);
        assertThat(audit.get(0).detail()).isEqualTo("started");
        assertThat(audit).allSatisfy(r -> {
            assertThat(r.fencingToken()).isEqualTo(entry.fencingToken()).isPositive();
            assertThat(r.at()).isAfterOrEqualTo(before.minusMillis(1)).isBeforeOrEqualTo(entry.updatedAt());
        });
        for (int i = 1; i < audit.size(); i++) {
            assertThat(audit.get(i).at()).isAfterOrEqualTo(audit.get(i - 1).at());
        }
    }

    @Test
    void pauseResumeAndCancelRecordWhoAskedForThem() throws Exception {
        String id = objectWith(30);
        AtomicBoolean hold = new AtomicBoolean(true);
        AtomicInteger held = new AtomicInteger();
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (hold.get()) {
                        held.incrementAndGet();
                        while (hold.get()) {
                            sleepQuietly(1);
                        }
                    }
                })).start();
        waitFor("the copy held", () -> held.get() == 1);
        MigrationHandle operator = handle.requestedBy("ops:alice");
        operator.pause();
        hold.set(false);
        waitFor("paused", () -> handle.progress().status() == MigrationStatus.PAUSED);
        hold.set(true);
        handle.requestedBy(MigrationAuditRecord.BY_ACTUATOR).resume();
        waitFor("the copy held again", () -> held.get() == 2);
        assertThat(handle.progress().status()).isEqualTo(MigrationStatus.IN_PROGRESS);
        handle.pause();
        hold.set(false);
        waitFor("paused again", () -> handle.progress().status() == MigrationStatus.PAUSED);
        assertThat(handle.cancel()).isTrue();
        assertThat(handle.await(Duration.ofSeconds(10)).status()).isEqualTo(MigrationStatus.CANCELLED);

        List<MigrationAuditRecord> audit = audit(handle.migrationId());
        List<MigrationAuditRecord> requested = audit.stream()
                .filter(r -> !r.requestedBy().equals(MigrationAuditRecord.BY_MIGRATION)).toList();
        assertThat(requested).extracting(MigrationAuditRecord::status, MigrationAuditRecord::requestedBy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MigrationStatus.IN_PROGRESS, MigrationAuditRecord.BY_API),
                        org.assertj.core.groups.Tuple.tuple(MigrationStatus.PAUSED, "ops:alice"),
                        org.assertj.core.groups.Tuple.tuple(MigrationStatus.IN_PROGRESS,
                                MigrationAuditRecord.BY_ACTUATOR),
                        org.assertj.core.groups.Tuple.tuple(MigrationStatus.PAUSED, MigrationAuditRecord.BY_API),
                        org.assertj.core.groups.Tuple.tuple(MigrationStatus.CANCELLED, MigrationAuditRecord.BY_API));
        assertThat(requested.get(1).detail()).isEqualTo("pause requested");
        assertThat(requested.get(2).detail()).isEqualTo("resumed");
        assertThat(audit.get(audit.size() - 1).phase()).isEqualTo(MigrationPhase.CANCELLED);
        assertThatThrownBy(() -> handle.requestedBy(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aShutdownAndTheRerunAfterItAreRecorded() throws Exception {
        String id = objectWith(30);
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        copying.countDown();
                        awaitQuietly(release);
                    }
                })).start();
        assertThat(copying.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(() -> migrations.suspendAll(Duration.ofSeconds(10),
                MigrationAuditRecord.BY_SHUTDOWN));
        stopper.start();
        // the shutdown asked the migration to stop once it waits for it
        Awaitility.await("the shutdown to wait").atMost(Duration.ofSeconds(10)).until(() ->
                stopper.getState() == Thread.State.TIMED_WAITING || stopper.getState() == Thread.State.WAITING);
        release.countDown();
        stopper.join(10_000);
        assertThat(stopper.isAlive()).isFalse();
        assertThat(handle.await(Duration.ofSeconds(10)).status()).isEqualTo(MigrationStatus.PAUSED);
        MigrationAuditRecord suspended = last(audit(handle.migrationId()));
        assertThat(suspended.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(suspended.requestedBy()).isEqualTo(MigrationAuditRecord.BY_SHUTDOWN);
        assertThat(suspended.detail()).contains("suspended");
        migrations.close();

        migrations = service();
        MigrationResult again = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(again.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(again.migrationId()).isEqualTo(handle.migrationId());
        List<MigrationAuditRecord> audit = audit(again.migrationId());
        MigrationAuditRecord resumed = audit.stream().filter(r -> r.detail() != null
                && r.detail().startsWith("resumed by a new run")).findFirst().orElseThrow();
        assertThat(resumed.detail()).contains("was PAUSED");
        assertThat(resumed.fencingToken()).isGreaterThan(suspended.fencingToken());
        assertThat(last(audit).status()).isEqualTo(MigrationStatus.COMPLETED);
    }

    @Test
    void aFailureIsRecordedWithItsError() {
        String id = objectWith(5);
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withTransformer(FunctionTransformer.of("NoteAdded", e -> {
                    throw new IllegalStateException("cannot upcast " + e.eventId());
                })).execute();
        assertThat(result.status()).isEqualTo(MigrationStatus.FAILED);
        MigrationAuditRecord failed = last(audit(result.migrationId()));
        assertThat(failed.phase()).isEqualTo(MigrationPhase.FAILED);
        assertThat(failed.status()).isEqualTo(MigrationStatus.FAILED);
        assertThat(failed.requestedBy()).isEqualTo(MigrationAuditRecord.BY_MIGRATION);
        assertThat(failed.detail()).contains("transformer failed");
    }

    @Test
    void closesLostToWritersAreCountedInsteadOfFillingTheTrail() {
        String id = objectWith(5);
        AtomicInteger iterations = new AtomicInteger();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withLiveMigration(o -> o.onCatchUpProgress(p -> {
                    // a writer gets in before each of the first three closes
                    if (iterations.incrementAndGet() <= 3) {
                        streams.open("Order", id).append(ExpectedVersion.any(), List.of(note("racer")));
                    }
                })).execute();
        assertThat(result.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(result.statistics().catchUpAttempts()).isEqualTo(4);
        List<MigrationAuditRecord> audit = audit(result.migrationId());
        assertThat(audit).extracting(MigrationAuditRecord::phase).containsExactly(MigrationPhase.PENDING,
                MigrationPhase.CATCH_UP, MigrationPhase.CLOSING, MigrationPhase.CUTOVER, MigrationPhase.BOOK_CLOSED);
        assertThat(audit.get(3).detail()).isEqualTo("after 3 close attempt(s) lost to writers");
    }

    @Test
    void settlingAnOrphanIsRecorded() {
        String id = objectWith(10);
        StreamPointer source = new StreamPointer("order-" + id, "main");
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");
        MigrationEntry dead;
        try (InMemoryLockProvider deadProcess = locks.sharingLeases(LockSettings.defaults());
             DistributedLock lock = deadProcess.acquire("migration/Order/" + id, Duration.ZERO)) {
            Instant now = Instant.now();
            dead = new MigrationEntry(UUID.randomUUID().toString(), "Order", id, source, target,
                    MigrationPhase.CATCH_UP, MigrationStatus.IN_PROGRESS, 0, 0, lock.fencingToken(), now, now, null);
            assertThat(routing.save(dead)).isTrue();
        }
        assertThat(migrations.activeMigrations()).extracting(MigrationEntry::migrationId)
                .containsExactly(dead.migrationId());
        MigrationAuditRecord settled = last(audit(dead.migrationId()));
        assertThat(settled.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(settled.requestedBy()).isEqualTo(MigrationAuditRecord.BY_MIGRATION);
        assertThat(settled.detail()).isEqualTo(OrphanSettler.INTERRUPTED);
        assertThat(settled.fencingToken()).isGreaterThan(dead.fencingToken());
    }

    private static MigrationAuditRecord last(List<MigrationAuditRecord> audit) {
        return audit.get(audit.size() - 1);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
