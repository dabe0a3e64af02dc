package dev.es.engine.migration;

import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.lock.DistributedLock;
import dev.es.engine.lock.LockSettings;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WriterHold;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.support.Orders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


/**
 * The operator-gated cutover ({@code withManualCutover()}) on the memory stores: the migration catches up and keeps
 * the target in sync, lag reported, until a cutover is requested; writers keep writing throughout and see no error.
 */
@Timeout(60)
class ManualCutoverTest {

    private final LaggingStore main = new LaggingStore(new InMemoryEventStore("main"));
    private final InMemoryEventStore other = new InMemoryEventStore("other");
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final InMemoryLockProvider locks = new InMemoryLockProvider();
    private final InMemoryMigrationRoutingTable routing = new InMemoryMigrationRoutingTable();
    private EventStreams streams;
    private DefaultEventStreamMigrationService migrations;

    @BeforeEach
    void setUp() {
        streams = new EventStreams(EventStoreRegistry.of(main, other), documents, new InMemoryTagStore(),
                EventStreamSettings.defaults().withChunkSize(20), "main");
        migrations = service();
    }

    private DefaultEventStreamMigrationService service() {
        return new DefaultEventStreamMigrationService(streams, locks, routing,
                new MigrationDefaults(Duration.ofMinutes(1), Duration.ofMillis(10),
                        ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        migrations.close();
    }

    private String objectWith(int events) {
        String id = "m" + UUID.randomUUID().toString().substring(0, 10);
        streams.open("Order", id).append(ExpectedVersion.noStream(),
                IntStream.range(0, events).mapToObj(i -> note("n" + i)).toList());
        return id;
    }

    private static EventData note(String text) {
        return new EventData(null, "NoteAdded", 1, "{\"text\":\"" + text + "\"}", null);
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }

    @Test
    void theMigrationWaitsWithLagReportedAndCutsOverOnRequestWhileWritersSeeNoError() throws Exception {
        String id = objectWith(150);
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>(Orders.eventIds(streams, id)));
        List<Throwable> writerErrors = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            EventStream stream = streams.open("Order", id);
            int n = 0;
            while (!stop.get()) {
                EventData e = note("live-" + n++);
                try {
                    stream.append(ExpectedVersion.any(), List.of(e));
                    acknowledged.add(e.eventId());
                } catch (RuntimeException failure) {
                    writerErrors.add(failure);
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }, "writer");
        writer.start();
        MigrationHandle handle;
        StreamPointer source = new StreamPointer("order-" + id, "main");
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");
        try {
            handle = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover().start();
            waitFor("the migration to wait for its cutover", () -> handle.isCutoverReady());
            assertThat(handle.progress().status()).isEqualTo(MigrationStatus.AWAITING_CUTOVER);
            assertThat(handle.progress().phase()).isEqualTo(MigrationPhase.CATCH_UP);
            MigrationEntry waiting = migrations.get(handle.migrationId()).orElseThrow();
            assertThat(waiting.status()).isEqualTo(MigrationStatus.AWAITING_CUTOVER);
            assertThat(waiting.eventsBehind()).isLessThanOrEqualTo(LiveMigrationOptions.DEFAULT_CUTOVER_MAX_LAG);

            // it waits: the source stays open and active, the target follows the writers
            long targetBefore = other.version(target.streamId());
            Awaitility.await("it keeps waiting").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> !handle.isDone());
            assertThat(main.closeEvent(source.streamId())).isNull();
            assertThat(streams.document("Order", id).active()).isEqualTo(source);
            waitFor("the target to follow the writers", () -> other.version(target.streamId()) > targetBefore);
            assertThat(handle.progress().eventsCopied()).isGreaterThan(150);
            assertThat(migrations.activeMigrations()).extracting(MigrationEntry::migrationId)
                    .contains(handle.migrationId());

            assertThat(handle.cutover()).isTrue();
            assertThat(handle.cutover()).as("asking again is taken too").isTrue();
            MigrationResult result = handle.await(Duration.ofSeconds(30));
            assertThat(result.status()).as("%s", result).isEqualTo(MigrationStatus.COMPLETED);
            int afterCutover = acknowledged.size();
            waitFor("writes after the cutover", () -> acknowledged.size() > afterCutover + 20);
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertThat(writerErrors).as("writers see no error").isEmpty();
        assertThat(streams.document("Order", id).active()).isEqualTo(target);
        assertThat(main.closeEvent(source.streamId())).isNotNull();
        assertThat(Orders.eventIds(streams, id)).as("every acknowledged event once, in order")
                .containsExactlyElementsOf(acknowledged);

        List<MigrationAuditRecord> audit = migrations.get(handle.migrationId()).orElseThrow().audit();
        assertThat(audit).extracting(MigrationAuditRecord::status).containsSubsequence(MigrationStatus.IN_PROGRESS,
                MigrationStatus.AWAITING_CUTOVER, MigrationStatus.IN_PROGRESS, MigrationStatus.CUTTING_OVER,
                MigrationStatus.COMPLETED);
        MigrationAuditRecord requested = audit.stream()
                .filter(r -> r.detail() != null && r.detail().startsWith("cutover requested")).findFirst()
                .orElseThrow();
        assertThat(requested.requestedBy()).isEqualTo(MigrationAuditRecord.BY_API);
    }

    @Test
    void aCutoverRequestIsRefusedWhileTheMigrationIsNotReadyAndWithoutManualCutover() throws Exception {
        String id = objectWith(60);
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover()
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    if (first.getAndSet(false)) {
                        copying.countDown();
                        awaitQuietly(release);
                    }
                })).start();
        assertThat(copying.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(handle.isCutoverReady()).as("still copying the history").isFalse();
        assertThat(handle.cutover()).isFalse();
        release.countDown();
        waitFor("ready", handle::isCutoverReady);
        assertThat(handle.cutover()).isTrue();
        assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(handle.cutover()).as("taken before").isTrue();
        assertThat(handle.isCutoverReady()).isFalse();

        String plain = objectWith(5);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        MigrationHandle automatic = migrations.forDocument("Order", plain).withTargetStore("other")
                .withLiveMigration(o -> o.onBeforeAppend(e -> {
                    held.countDown();
                    awaitQuietly(go);
                })).start();
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(automatic.isCutoverReady()).isFalse();
        assertThat(automatic.cutover()).as("no manual cutover").isFalse();
        go.countDown();
        assertThat(automatic.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
    }

    @Test
    void aTargetFurtherBehindThanCutoverMaxLagIsNotReady() throws Exception {
        String id = objectWith(10);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other")
                .withManualCutover().withLiveMigration(o -> o.cutoverMaxLag(3)).start();
        waitFor("ready", handle::isCutoverReady);
        // writers outpace the tail copy: the source is seen 5 events ahead of what was copied
        main.laggingBy(5);
        waitFor("the lag to be seen", () -> handle.progress().eventsBehind() == 5);
        assertThat(handle.isCutoverReady()).isFalse();
        assertThat(handle.cutover()).isFalse();
        // the routing entry is updated at most once per progress interval (2 s by default)
        waitFor("the lag in the routing entry",
                () -> migrations.get(handle.migrationId()).orElseThrow().eventsBehind() == 5);
        main.laggingBy(2);
        waitFor("ready again", handle::isCutoverReady);
        main.laggingBy(0);
        assertThat(handle.cutover()).isTrue();
        assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(other.version("order-" + id + "-v2")).isEqualTo(10);
    }

    @Test
    void cancelWhileWaitingLeavesTheSourceUntouchedAndDiscardsTheTarget() throws Exception {
        String id = objectWith(30);
        List<StoredEvent> before = main.read("order-" + id, 1, 100);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover()
                .start();
        waitFor("ready", handle::isCutoverReady);
        assertThat(handle.requestedBy(MigrationAuditRecord.BY_ACTUATOR).cancel()).isTrue();
        MigrationResult result = handle.await(Duration.ofSeconds(30));
        assertThat(result.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(main.read("order-" + id, 1, 100)).isEqualTo(before);
        assertThat(other.version("order-" + id + "-v2")).isZero();
        assertThat(streams.document("Order", id).active()).isEqualTo(new StreamPointer("order-" + id, "main"));
        MigrationAuditRecord last = lastAudit(handle.migrationId());
        assertThat(last.status()).isEqualTo(MigrationStatus.CANCELLED);
        assertThat(last.requestedBy()).isEqualTo(MigrationAuditRecord.BY_ACTUATOR);
    }

    @Test
    void pauseWhileWaitingRefusesTheCutoverAndResumeWaitsAgain() throws Exception {
        String id = objectWith(30);
        MigrationHandle handle = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover()
                .start();
        waitFor("ready", handle::isCutoverReady);
        handle.pause();
        waitFor("paused", () -> handle.progress().status() == MigrationStatus.PAUSED);
        assertThat(handle.isCutoverReady()).isFalse();
        assertThat(handle.cutover()).isFalse();
        handle.resume();
        waitFor("waiting again", () -> handle.progress().status() == MigrationStatus.AWAITING_CUTOVER);
        assertThat(handle.cutover()).isTrue();
        assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(migrations.get(handle.migrationId()).orElseThrow().audit())
                .extracting(MigrationAuditRecord::status)
                .containsSubsequence(MigrationStatus.AWAITING_CUTOVER, MigrationStatus.PAUSED,
                        MigrationStatus.AWAITING_CUTOVER, MigrationStatus.IN_PROGRESS, MigrationStatus.COMPLETED);
    }

    @Test
    void aMigrationStoppedWhileWaitingIsContinuedByARerunThatWaitsAgain() throws Exception {
        String id = objectWith(40);
        MigrationHandle first = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover()
                .start();
        waitFor("ready", first::isCutoverReady);
        // the application shuts down: the migration is suspended, its lock released, its entry PAUSED
        assertThat(migrations.suspendAll(Duration.ofSeconds(10), MigrationAuditRecord.BY_SHUTDOWN)).isZero();
        assertThat(first.await(Duration.ofSeconds(5)).status()).isEqualTo(MigrationStatus.PAUSED);
        MigrationEntry paused = migrations.get(first.migrationId()).orElseThrow();
        assertThat(paused.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(paused.audit().get(paused.audit().size() - 1).requestedBy())
                .isEqualTo(MigrationAuditRecord.BY_SHUTDOWN);
        migrations.close();

        // writes while nothing runs, then the restarted application runs the same migration again
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(note("while-stopped")));
        migrations = service();
        MigrationHandle again = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover()
                .start();
        assertThat(again.migrationId()).isEqualTo(first.migrationId());
        waitFor("waiting again", again::isCutoverReady);
        Awaitility.await("it keeps waiting").during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2))
                .until(() -> !again.isDone());
        assertThat(other.version("order-" + id + "-v2")).isEqualTo(41);
        assertThat(again.cutover()).isTrue();
        assertThat(again.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(Orders.eventIds(streams, id)).hasSize(41);
    }

    @Test
    void aProcessThatDiedWhileWaitingLeavesAMigrationThatARerunContinuesAndWaitsAgain() throws Exception {
        String id = objectWith(30);
        StreamPointer source = new StreamPointer("order-" + id, "main");
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");
        // what the dead process left: copies of the first 25 events, its entry AWAITING_CUTOVER, its lock expired
        List<EventData> copies = main.read(source.streamId(), 1, 25).stream().map(e -> {
            Map<String, String> metadata = new HashMap<>(e.metadata());
            metadata.put(CopyStep.MIGRATED_FROM, source.toString());
            metadata.put(CopyStep.SOURCE_VERSION, String.valueOf(e.version()));
            return new EventData(e.eventId(), e.type(), e.schemaVersion(), e.payload(), metadata, e.recordedAt());
        }).toList();
        other.append(target.streamId(), ExpectedVersion.noStream(), copies);
        MigrationEntry dead;
        try (InMemoryLockProvider deadProcess = locks.sharingLeases(LockSettings.defaults());
             DistributedLock lock = deadProcess.acquire("migration/Order/" + id, Duration.ZERO)) {
            Instant now = Instant.now();
            dead = new MigrationEntry(UUID.randomUUID().toString(), "Order", id, source, target,
                    MigrationPhase.CATCH_UP, MigrationStatus.AWAITING_CUTOVER, 25, 5, lock.fencingToken(), now, now,
                    null);
            assertThat(routing.save(dead)).isTrue();
        }

        MigrationHandle rerun = migrations.forDocument("Order", id).withTargetStore("other").withManualCutover()
                .start();
        assertThat(rerun.migrationId()).isEqualTo(dead.migrationId());
        waitFor("waiting again", rerun::isCutoverReady);
        Awaitility.await("it keeps waiting").during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2))
                .until(() -> !rerun.isDone());
        assertThat(other.version(target.streamId())).isEqualTo(30);
        assertThat(main.closeEvent(source.streamId())).isNull();
        MigrationEntry waiting = migrations.get(dead.migrationId()).orElseThrow();
        assertThat(waiting.status()).isEqualTo(MigrationStatus.AWAITING_CUTOVER);
        assertThat(waiting.audit()).extracting(MigrationAuditRecord::status).containsSubsequence(
                MigrationStatus.PAUSED, MigrationStatus.IN_PROGRESS, MigrationStatus.AWAITING_CUTOVER);
        assertThat(rerun.requestedBy(MigrationAuditRecord.BY_ACTUATOR).cutover()).isTrue();
        assertThat(rerun.await(Duration.ofSeconds(30)).status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(Orders.eventIds(streams, id)).hasSize(30);
        assertThat(streams.document("Order", id).active()).isEqualTo(target);
    }

    @Test
    void cutoverMaxLagMustNotBeNegative() {
        String id = objectWith(1);
        assertThatThrownBy(() -> migrations.forDocument("Order", id)
                .withLiveMigration(o -> o.cutoverMaxLag(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cutoverMaxLag");
    }

    private MigrationAuditRecord lastAudit(String migrationId) {
        List<MigrationAuditRecord> audit = migrations.get(migrationId).orElseThrow().audit();
        return audit.get(audit.size() - 1);
    }

    /**
     * A store whose {@code version()} answers a set number of events more than it holds while the migration waits,
     * as if writers appended between the tail copy and its look at the source.
     */
    private static final class LaggingStore implements EventStore {
        private final EventStore delegate;
        private volatile long lag;

        LaggingStore(EventStore delegate) {
            this.delegate = delegate;
        }

        void laggingBy(long events) {
            lag = events;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<StoredEvent> read(String streamId, long fromVersion, int maxCount) {
            return delegate.read(streamId, fromVersion, maxCount);
        }

        @Override
        public long version(String streamId) {
            long version = delegate.version(streamId);
            return version == 0 ? 0 : version + lag;
        }

        @Override
        public StoredEvent lastEvent(String streamId) {
            return delegate.lastEvent(streamId);
        }

        @Override
        public AppendResult appendValidated(String streamId, ExpectedVersion expected, List<EventData> events,
                                            long fencingToken) {
            return delegate.appendValidated(streamId, expected, events, fencingToken);
        }

        @Override
        public boolean supportsFencing() {
            return delegate.supportsFencing();
        }

        @Override
        public OptionalLong raiseFence(String streamId, long token) {
            return delegate.raiseFence(streamId, token);
        }

        @Override
        public Optional<WriterHold> holdWriters(String streamId, Duration maxHold) {
            return delegate.holdWriters(streamId, maxHold);
        }

        @Override
        public void delete(String streamId) {
            delegate.delete(streamId);
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
