package dev.es.engine.migration;

import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.aggregate.Order;
import dev.es.engine.event.EventData;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.FaultInjectingEventStore;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the live-migration test classes share, and no test of its own: fresh stores per test (two event stores
 * named {@code main} and {@code other}, wrapped in {@link FaultInjectingEventStore}s, documents wrapped in a
 * {@link FaultInjectingDocumentStore}), an {@link EventStreams} and a migration service over them, an {@code Order}
 * repository, and small helpers. {@link AbstractLiveMigrationTest} and {@link AbstractMigrationControlTest} extend
 * it, so that each suite runs only its own tests.
 */
public abstract class LiveMigrationFixture {

    /** Fresh stores for one test; event stores must be named {@code main} and {@code other}. */
    protected abstract MigrationTestStores createStores();

    /** The stores the test runs on, made from {@link #createStores()}: a suite may wrap some of them. */
    protected MigrationTestStores decorate(MigrationTestStores created) {
        return created;
    }

    /** Events per catch-up page. */
    protected int chunkSize() {
        return 50;
    }

    protected MigrationTestStores stores;
    protected FaultInjectingEventStore main;
    protected FaultInjectingEventStore other;
    protected FaultInjectingDocumentStore documents;
    protected EventStreams streams;
    protected DefaultEventStreamMigrationService migrations;
    protected final EventSerializer serializer = new EventSerializer()
            .register(Order.OrderPlaced.class, "OrderPlaced")
            .register(Order.NoteAdded.class, "NoteAdded");
    protected AggregateRepository<Order> orders;

    @BeforeEach
    void setUpStores() {
        stores = decorate(createStores());
        main = new FaultInjectingEventStore(stores.main());
        other = new FaultInjectingEventStore(stores.other());
        documents = new FaultInjectingDocumentStore(stores.documents());
        streams = new EventStreams(EventStoreRegistry.of(main, other), documents, stores.tags(),
                EventStreamSettings.defaults().withChunkSize(chunkSize()), "main");
        migrations = new DefaultEventStreamMigrationService(streams, stores.locks(), stores.routing(),
                new MigrationDefaults(Duration.ofMinutes(2), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
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

    protected List<String> eventIds(String objectId) {
        try (var all = streams.open("Order", objectId).readAll()) {
            return all.map(StoredEvent::eventId).toList();
        }
    }

    /** A new object in store {@code main} with {@code events} notes; its id. */
    protected String objectWith(int events) {
        String id = newId();
        streams.open("Order", id).append(ExpectedVersion.noStream(),
                IntStream.range(0, events).mapToObj(i -> note("n" + i)).toList());
        return id;
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not reached in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
