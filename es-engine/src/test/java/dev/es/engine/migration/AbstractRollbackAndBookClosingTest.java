package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.aggregate.Order;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.document.TerminatedStream;
import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventData;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.internal.Json;
import dev.es.engine.store.AppendResult;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollback after the cutover and book closing (issue 13), run on every store and across stores: each store's test
 * extends this class. The stores are {@code main} (where objects start), {@code other} (where they migrate to) and
 * {@code archive} (where book closing archives sources).
 */
public abstract class AbstractRollbackAndBookClosingTest {

    /** Fresh stores for one test; event stores must be named {@code main} and {@code other}. */
    protected abstract MigrationTestStores createStores();

    /** A fresh event store named {@code archive}. */
    protected abstract EventStore createArchiveStore();

    /** Pause of each writer between its appends. */
    protected long writerPauseMillis() {
        return 1;
    }

    protected int chunkSize() {
        return 50;
    }

    protected MigrationTestStores stores;
    protected FaultInjectingEventStore main;
    protected FaultInjectingEventStore other;
    protected FaultInjectingEventStore archive;
    protected FaultInjectingDocumentStore documents;
    protected EventStreams streams;
    protected DefaultEventStreamMigrationService migrations;
    protected final EventSerializer serializer = new EventSerializer()
            .register(Order.OrderPlaced.class, "OrderPlaced")
            .register(Order.NoteAdded.class, "NoteAdded");
    protected AggregateRepository<Order> orders;
    /** Run once, on the migration's thread, when a migration of this service next copies a page. */
    protected final AtomicReference<Runnable> onEventsCopied = new AtomicReference<>();

    @BeforeEach
    void setUpStores() {
        stores = createStores();
        main = new FaultInjectingEventStore(stores.main());
        other = new FaultInjectingEventStore(stores.other());
        archive = new FaultInjectingEventStore(createArchiveStore());
        documents = new FaultInjectingDocumentStore(stores.documents());
        streams = new EventStreams(EventStoreRegistry.of(main, other, archive), documents, stores.tags(),
                EventStreamSettings.defaults().withChunkSize(chunkSize()), "main");
        // the defaults a rollback's reverse migration runs with: the close that always wins, soon
        migrations = new DefaultEventStreamMigrationService(streams, stores.locks(), stores.routing(),
                new MigrationDefaults(Duration.ofMillis(300), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.PAUSE_SOURCE, Duration.ofSeconds(5), Duration.ZERO),
                new MigrationListener() {
                    @Override
                    public void eventsCopied(String objectName, int count) {
                        Runnable hook = onEventsCopied.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                    }
                }, Clock.systemUTC());
        orders = new AggregateRepository<>("Order", Order::new, streams, serializer);
    }

    @AfterEach
    void closeService() {
        migrations.close();
    }

    protected static String newId() {
        return "o" + UUID.randomUUID().toString().substring(0, 12);
    }

    protected static EventData note(String text) {
        return new EventData(null, "NoteAdded", 1, "{\"text\":\"" + text + "\"}", null);
    }

    protected List<StoredEvent> history(String objectId) {
        try (var all = streams.open("Order", objectId).readAll()) {
            return all.toList();
        }
    }

    protected List<String> eventIds(String objectId) {
        return history(objectId).stream().map(StoredEvent::eventId).toList();
    }

    /** One acknowledged append: the event, and where the store put it. */
    protected record Ack(EventData event, StreamPointer stream, long version) {
    }

    /** Writer threads, each with its own handle: some append with {@code any()}, some with exact versions. */
    protected final class Writers {
        final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
        final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();

        Writers(String objectId, int anyWriters, int exactWriters) {
            for (int w = 0; w < anyWriters + exactWriters; w++) {
                boolean exact = w >= anyWriters;
                int writer = w;
                threads.add(new Thread(() -> write(objectId, writer, exact), "writer-" + w));
            }
            threads.forEach(Thread::start);
        }

        private void write(String objectId, int writer, boolean exact) {
            EventStream stream = streams.open("Order", objectId);
            int n = 0;
            try {
                while (!stop.get()) {
                    EventData data = note("w" + writer + "-" + n++);
                    while (true) {
                        try {
                            AppendResult r = exact
                                    ? stream.append(ExpectedVersion.exactly(stream.version()), List.of(data))
                                    : stream.append(ExpectedVersion.any(), List.of(data));
                            acks.add(new Ack(data, new StreamPointer(r.streamId(), r.store()), r.newVersion()));
                            break;
                        } catch (WrongExpectedVersionException conflict) {
                            // another writer came first: read the version again and decide again
                        }
                    }
                    Thread.sleep(writerPauseMillis());
                }
            } catch (Throwable t) {
                errors.add(t);
            }
        }

        /** Waits until {@code more} appends past the {@code from} acknowledged so far are acknowledged. */
        void awaitAcks(int from, int more) throws InterruptedException {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                    .until(() -> acks.size() >= from + more || !errors.isEmpty());
        }

        List<Ack> stopAndJoin() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(1));
                assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
            }
            return List.copyOf(acks);
        }
    }

    /** The object's history as writers saw it: {@code initial}, then every ack in stream order, streams in order. */
    protected static List<String> expected(List<EventData> initial, List<Ack> acks, List<StreamPointer> chain) {
        Map<StreamPointer, Integer> position = new HashMap<>();
        for (int i = 0; i < chain.size(); i++) {
            position.put(chain.get(i), i);
        }
        for (Ack a : acks) {
            assertThat(position).as("ack %s landed on a stream of the chain %s", a, chain).containsKey(a.stream());
        }
        List<String> expected = new ArrayList<>(initial.stream().map(EventData::eventId).toList());
        acks.stream().sorted(Comparator.<Ack>comparingInt(a -> position.get(a.stream()))
                        .thenComparingLong(Ack::version))
                .forEach(a -> expected.add(a.event().eventId()));
        return expected;
    }

    // ---------------------------------------------------------------- rollback after the cutover

    /**
     * Issue 13's acceptance: an object migrated and then rolled back after its cutover while writers (two with
     * {@code any()}, two with exact versions, each through its own handle) write throughout. No writer sees an error;
     * no event is lost, duplicated or reordered; the history after is the history before plus the new events, as
     * they were written; the object lives in a fresh stream of its original store.
     */
    @Test
    void rollbackAfterTheCutoverWithWritersWritingThroughoutLosesNothing() throws Exception {
        String id = newId();
        List<EventData> initial = IntStream.range(0, 40).mapToObj(i -> note("init-" + i)).toList();
        streams.open("Order", id).append(ExpectedVersion.noStream(), initial);
        StreamPointer source = new StreamPointer("order-" + id, "main");
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");

        Writers writers = new Writers(id, 2, 2);
        List<Ack> acks;
        RollbackResult rolledBack;
        MigrationResult forward;
        List<String> before;
        int acksBeforeRollback;
        try {
            writers.awaitAcks(0, 10);
            forward = migrations.forDocument("Order", id).withTargetStore("other").execute();
            assertThat(forward.isSuccess()).as("forward: %s", forward.error()).isTrue();
            writers.awaitAcks(writers.acks.size(), 10);

            before = eventIds(id);
            acksBeforeRollback = writers.acks.size();
            // the reverse migration copies its first page, and the writers write on meanwhile
            onEventsCopied.set(() -> {
                try {
                    writers.awaitAcks(writers.acks.size(), 5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            rolledBack = migrations.rollback(forward.migrationId());
            writers.awaitAcks(writers.acks.size(), 10);
        } finally {
            acks = writers.stopAndJoin();
        }

        assertThat(writers.errors).as("writers see no error").isEmpty();
        assertThat(rolledBack.isSuccess()).as("rollback: %s", rolledBack.error()).isTrue();
        assertThat(rolledBack.afterCutover()).isTrue();
        StreamPointer fresh = new StreamPointer("order-" + id + "-rb1", "main");
        assertThat(rolledBack.activeStream()).isEqualTo(fresh);
        assertThat(rolledBack.rollbackMigration()).isNotNull();
        assertThat(rolledBack.rollbackMigration().isSuccess()).isTrue();

        MigrationEntry entry = stores.routing().get(forward.migrationId()).orElseThrow();
        assertThat(entry.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
        assertThat(entry.phase()).isEqualTo(MigrationPhase.ROLLED_BACK);
        assertThat(entry.rollbackMigrationId()).isEqualTo(rolledBack.rollbackMigrationId());
        assertThat(entry.audit()).anySatisfy(a -> {
            assertThat(a.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
            assertThat(a.requestedBy()).isEqualTo(MigrationAuditRecord.BY_API);
            assertThat(a.detail()).contains(rolledBack.rollbackMigrationId());
        });
        MigrationEntry reverse = stores.routing().get(rolledBack.rollbackMigrationId()).orElseThrow();
        assertThat(reverse.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(reverse.source()).isEqualTo(target);
        assertThat(reverse.target()).isEqualTo(fresh);

        ObjectDocument document = documents.get("Order", id).orElseThrow();
        assertThat(document.active()).isEqualTo(fresh);
        assertThat(document.terminatedStreams()).extracting(TerminatedStream::pointer).containsExactly(source, target);

        List<StoredEvent> after = history(id);
        List<String> ids = after.stream().map(StoredEvent::eventId).toList();
        assertThat(ids).as("nothing lost, duplicated or reordered")
                .containsExactlyElementsOf(expected(initial, acks, List.of(source, target, fresh)));
        assertThat(ids.subList(0, before.size())).as("the history before comes first, unchanged")
                .containsExactlyElementsOf(before);
        assertThat(acks.stream().filter(a -> a.stream().equals(fresh)).count()).as("written after the rollback")
                .isPositive();
        assertThat(acks.subList(acksBeforeRollback, acks.size())).as("written during the rollback")
                .anyMatch(a -> a.stream().equals(target));
        Map<String, EventData> written = new HashMap<>();
        initial.forEach(e -> written.put(e.eventId(), e));
        acks.forEach(a -> written.put(a.event().eventId(), a.event()));
        assertThat(after).allSatisfy(e -> {
            EventData original = written.get(e.eventId());
            assertThat(e.type()).isEqualTo(original.type());
            assertThat(e.schemaVersion()).isEqualTo(original.schemaVersion());
            assertThat(Json.tree(e.payload())).isEqualTo(Json.tree(original.payload())); // PostgreSQL's jsonb spaces
        });
        assertThat(streams.open("Order", id).version()).isEqualTo(main.version(fresh.streamId()));
        assertThat(migrations.activeMigrations()).isEmpty();
    }

    // ---------------------------------------------------------------- book closing

    /**
     * Book closing archives the closed source (close event included) and deletes it: reads and aggregates stay as
     * they were, the archive is found from the document and holds exactly the source, and a writer whose handle still
     * stands on the deleted source is sent on, its exact version carried over.
     */
    @Test
    void bookClosingArchivesAndDeletesTheSourceAndReadsStayCorrect() {
        String id = newId();
        Order order = orders.create(id);
        order.place("ada");
        for (int i = 0; i < chunkSize() + 20; i++) {
            order.addNote("note-" + i);
        }
        orders.save(order);
        StreamPointer source = new StreamPointer("order-" + id, "main");
        StreamPointer target = new StreamPointer("order-" + id + "-v2", "other");
        List<StoredEvent> original = main.read(source.streamId(), 1, 10_000);
        EventStream stale = streams.open("Order", id);
        long staleVersion = stale.version();
        assertThat(stale.activeStream()).isEqualTo(source);
        List<String> idsBefore = eventIds(id);

        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("archive").deleteSource(true))
                .execute();
        assertThat(result.isSuccess()).as("migration: %s", result.error()).isTrue();
        MigrationEntry entry = stores.routing().get(result.migrationId()).orElseThrow();
        assertThat(entry.phase()).isEqualTo(MigrationPhase.BOOK_CLOSED);

        // the archive is listed in the document, and holds the source exactly, close event included
        TerminatedStream terminated = documents.get("Order", id).orElseThrow().terminatedStream(source);
        assertThat(terminated).isNotNull();
        StreamPointer archived = new StreamPointer("order-" + id, "archive");
        assertThat(terminated.archive()).isEqualTo(archived);
        assertThat(terminated.deletedAt()).isNotNull();
        List<StoredEvent> copy = archive.read(archived.streamId(), 1, 10_000);
        assertThat(copy).hasSize(original.size() + 1);
        for (int i = 0; i < original.size(); i++) {
            StoredEvent o = original.get(i);
            StoredEvent a = copy.get(i);
            assertThat(a.eventId()).isEqualTo(o.eventId());
            assertThat(a.version()).isEqualTo(o.version());
            assertThat(a.type()).isEqualTo(o.type());
            assertThat(a.schemaVersion()).isEqualTo(o.schemaVersion());
            assertThat(a.payload()).isEqualTo(o.payload());
            assertThat(a.metadata()).isEqualTo(o.metadata());
            assertThat(a.recordedAt()).isEqualTo(o.recordedAt());
        }
        CloseEvent archivedClose = CloseEvent.from(copy.get(copy.size() - 1));
        assertThat(archivedClose.migrationId()).isEqualTo(result.migrationId());
        assertThat(archivedClose.continuationStreamId()).isEqualTo(target.streamId());

        // the source keeps only a close toward the target
        List<StoredEvent> left = main.read(source.streamId(), 1, 10_000);
        assertThat(left).singleElement().satisfies(e -> assertThat(e.isCloseEvent()).isTrue());
        CloseEvent kept = main.closeEvent(source.streamId());
        assertThat(kept.continuationStreamId()).isEqualTo(target.streamId());
        assertThat(kept.lastSourceVersion()).isEqualTo(original.size());

        // reads and aggregates as before
        assertThat(eventIds(id)).containsExactlyElementsOf(idsBefore);
        Order loaded = orders.load(id);
        assertThat(loaded.customer()).isEqualTo("ada");
        assertThat(loaded.notes()).hasSize(chunkSize() + 20);

        // a writer still standing on the deleted source is sent on, its exact version carried over
        EventData late = note("late");
        AppendResult landed = stale.append(ExpectedVersion.exactly(staleVersion), List.of(late));
        assertThat(new StreamPointer(landed.streamId(), landed.store())).isEqualTo(target);
        EventData any = note("any");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(any));
        List<String> expected = new ArrayList<>(idsBefore);
        expected.add(late.eventId());
        expected.add(any.eventId());
        assertThat(eventIds(id)).containsExactlyElementsOf(expected);
        assertThat(new HashSet<>(eventIds(id))).hasSize(expected.size());
    }

    /**
     * A migration whose books were closed (source archived and deleted) is rolled back after its cutover: the object
     * comes back to its original store with its whole history, and the rollback undoes nothing of the archive.
     */
    @Test
    void aMigrationWhoseBooksWereClosedIsRolledBack() {
        String id = newId();
        List<EventData> initial = IntStream.range(0, chunkSize() + 5).mapToObj(i -> note("n" + i)).toList();
        streams.open("Order", id).append(ExpectedVersion.noStream(), initial);
        MigrationResult forward = migrations.forDocument("Order", id).withTargetStore("other")
                .withBookClosing(b -> b.archiveTo("archive").deleteSource(true)).execute();
        assertThat(forward.isSuccess()).as("forward: %s", forward.error()).isTrue();
        EventData between = note("between");
        streams.open("Order", id).append(ExpectedVersion.any(), List.of(between));

        RollbackResult rolledBack = migrations.rollback(forward.migrationId());

        assertThat(rolledBack.isSuccess()).as("rollback: %s", rolledBack.error()).isTrue();
        assertThat(rolledBack.activeStream()).isEqualTo(new StreamPointer("order-" + id + "-rb1", "main"));
        List<String> expected = new ArrayList<>(initial.stream().map(EventData::eventId).toList());
        expected.add(between.eventId());
        assertThat(eventIds(id)).containsExactlyElementsOf(expected);
        assertThat(archive.version("order-" + id)).isEqualTo(initial.size() + 1);
    }
}
