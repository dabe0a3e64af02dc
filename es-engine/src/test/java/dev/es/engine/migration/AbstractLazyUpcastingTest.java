package dev.es.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.aggregate.Order;
import dev.es.engine.document.ObjectDocument;
import dev.es.engine.document.StreamPointer;
import dev.es.engine.event.EventData;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamListener;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventUpcaster;
import dev.es.engine.transform.FunctionTransformer;
import dev.es.engine.transform.UpcasterChain;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lazy transform (issue 14) against every store: events written in schema v1 are read through a v1 -> v2 -> v3
 * upcaster chain in {@code readAll()}, {@code replay} and aggregate loads, with nothing written; a copy migration
 * bakes the upcast in. Each store's test extends this class.
 */
public abstract class AbstractLazyUpcastingTest {

    /** Fresh stores for one test; event stores must be named {@code main} and {@code other}. */
    protected abstract MigrationTestStores createStores();

    /** OrderPlaced v1 {"name"} -> v2 {"fullName"}. */
    static final EventUpcaster V1_TO_V2 = EventUpcaster.of("OrderPlaced", 1, e -> new EventData(null, "OrderPlaced",
            2, e.payload().replace("\"name\"", "\"fullName\""), e.metadata()));
    /** OrderPlaced v2 {"fullName"} -> v3 {"customer"}, and a metadata mark of the step. */
    static final EventUpcaster V2_TO_V3 = EventUpcaster.of("OrderPlaced", 2, e -> new EventData(null, "OrderPlaced",
            3, e.payload().replace("\"fullName\"", "\"customer\""), Map.of("upcast", e.metadata().getOrDefault(
                    "upcast", "") + "v3")));

    protected MigrationTestStores stores;
    protected EventStreams plain;
    protected EventStreams upcasting;
    protected DefaultEventStreamMigrationService migrations;
    /** The application's newest schema: OrderPlaced is written in v3. */
    protected final EventSerializer serializer = new EventSerializer()
            .register(Order.OrderPlaced.class, "OrderPlaced", 3)
            .register(Order.NoteAdded.class, "NoteAdded");
    protected AggregateRepository<Order> orders;

    @BeforeEach
    void setUpStores() {
        stores = createStores();
        EventStoreRegistry registry = EventStoreRegistry.of(stores.main(), stores.other());
        plain = new EventStreams(registry, stores.documents(), stores.tags(), EventStreamSettings.defaults()
                .withChunkSize(2), "main");
        // registered in reverse order on purpose: the chain follows the event's schema version, not the list
        upcasting = new EventStreams(registry, stores.documents(), stores.tags(), EventStreamSettings.defaults()
                .withChunkSize(2), "main", EventStreamListener.NONE, UpcasterChain.of(V2_TO_V3, V1_TO_V2));
        migrations = new DefaultEventStreamMigrationService(upcasting, stores.locks(), stores.routing(),
                new MigrationDefaults(Duration.ofMinutes(2), Duration.ofMillis(5),
                        ConvergenceFailureStrategy.KEEP_TRYING, Duration.ofSeconds(5), Duration.ZERO),
                MigrationListener.NONE, Clock.systemUTC());
        orders = new AggregateRepository<>("Order", Order::new, upcasting, serializer);
    }

    @AfterEach
    void closeService() {
        migrations.close();
    }

    /** An order written by an old version of the application: OrderPlaced v1, then two notes. */
    private String writeV1Order() {
        String id = "o" + UUID.randomUUID().toString().substring(0, 12);
        plain.open("Order", id).append(ExpectedVersion.noStream(), List.of(
                new EventData(null, "OrderPlaced", 1, "{\"name\":\"ada\"}", Map.of("by", "v1-app")),
                new EventData(null, "NoteAdded", 1, "{\"text\":\"one\"}", null),
                new EventData(null, "NoteAdded", 1, "{\"text\":\"two\"}", null)));
        return id;
    }

    private List<StoredEvent> raw(EventStore store, String streamId) {
        return store.read(streamId, 1, 1000);
    }

    @Test
    void anAggregateWrittenWithV1EventsLoadsThroughTheChainAndNothingIsWritten() {
        String id = writeV1Order();
        String streamId = EventStreams.streamIdFor("Order", id);
        List<StoredEvent> rawBefore = raw(stores.main(), streamId);
        long versionBefore = stores.main().version(streamId);
        ObjectDocument docBefore = stores.documents().get("Order", id).orElseThrow();

        Order order = orders.load(id);
        assertThat(order.customer()).isEqualTo("ada");
        assertThat(order.notes()).containsExactly("one", "two");
        assertThat(order.version()).isEqualTo(3);

        List<StoredEvent> read;
        try (Stream<StoredEvent> all = upcasting.open("Order", id).readAll()) {
            read = all.toList();
        }
        assertThat(read).hasSize(3);
        StoredEvent placed = read.get(0);
        assertThat(placed.type()).isEqualTo("OrderPlaced");
        assertThat(placed.schemaVersion()).isEqualTo(3);
        assertThat(placed.payload()).contains("\"customer\"").doesNotContain("name");
        assertThat(placed.metadata()).containsEntry("upcast", "v3");
        // id, version and time as stored
        assertThat(placed.eventId()).isEqualTo(rawBefore.get(0).eventId());
        assertThat(placed.version()).isEqualTo(1);
        assertThat(placed.recordedAt()).isEqualTo(rawBefore.get(0).recordedAt());
        assertThat(read.subList(1, 3)).isEqualTo(rawBefore.subList(1, 3));

        List<StoredEvent> replayed = new java.util.ArrayList<>();
        var at = upcasting.open("Order", id).replay(replayed::add);
        assertThat(replayed).isEqualTo(read);
        assertThat(at.version()).isEqualTo(3);

        // nothing was written by reading: the raw events, the store version and the document are as they were
        assertThat(raw(stores.main(), streamId)).isEqualTo(rawBefore);
        assertThat(rawBefore.get(0).schemaVersion()).isEqualTo(1);
        assertThat(stores.main().version(streamId)).isEqualTo(versionBefore);
        assertThat(stores.documents().get("Order", id).orElseThrow().etag()).isEqualTo(docBefore.etag());
        try (Stream<StoredEvent> all = plain.open("Order", id).readAll()) {
            assertThat(all.toList()).isEqualTo(rawBefore);
        }
    }

    @Test
    void writersKeepWritingTheNewestSchemaAtTheStoredVersions() {
        String id = writeV1Order();
        Order order = orders.load(id);
        order.addNote("three");
        orders.save(order);
        assertThat(order.version()).isEqualTo(4);

        Order fresh = orders.create("n" + UUID.randomUUID().toString().substring(0, 8));
        fresh.place("bob");
        orders.save(fresh);
        StoredEvent written = raw(stores.main(), EventStreams.streamIdFor("Order", fresh.id())).get(0);
        assertThat(written.schemaVersion()).isEqualTo(3);
        assertThat(orders.load(fresh.id()).customer()).isEqualTo("bob");

        List<StoredEvent> stored = raw(stores.main(), EventStreams.streamIdFor("Order", id));
        assertThat(stored).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L);
        assertThat(stored.get(0).schemaVersion()).isEqualTo(1);
    }

    @Test
    void aCopyMigrationBakesTheUpcastInAndAppliesItBeforeItsOwnTransformer() {
        String id = writeV1Order();
        List<StoredEvent> source = raw(stores.main(), EventStreams.streamIdFor("Order", id));
        // the migration's own transformer sees v3 events (the chain ran first) and upper-cases the customer
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other")
                .withTargetStream("order-" + id + "-v3")
                .withTransformer(FunctionTransformer.upcast("OrderPlaced", 3, e -> new EventData(null, e.type(), 3,
                        e.payload().replace("ada", "ADA"), e.metadata())))
                .execute();
        assertThat(result.isSuccess()).as(String.valueOf(result.error())).isTrue();

        List<StoredEvent> target = raw(stores.other(), "order-" + id + "-v3");
        assertThat(target).hasSize(3);
        assertThat(target.get(0).schemaVersion()).isEqualTo(3);
        assertThat(target.get(0).payload()).contains("\"customer\"").contains("ADA");
        assertThat(target.get(0).metadata()).containsEntry("upcast", "v3");
        assertThat(target.get(0).recordedAt()).isEqualTo(source.get(0).recordedAt());
        // read without any upcaster, the copied history is v3 already: baked in for good
        assertThat(plain.open("Order", id).readAll().map(StoredEvent::schemaVersion).toList())
                .containsExactly(3, 1, 1);
        assertThat(orders.load(id).customer()).isEqualTo("ADA");
    }

    @Test
    void aCopyMigrationWithoutItsOwnTransformerWritesV3() {
        String id = writeV1Order();
        MigrationResult result = migrations.forDocument("Order", id).withTargetStore("other").execute();
        assertThat(result.isSuccess()).as(String.valueOf(result.error())).isTrue();
        StreamPointer active = stores.documents().get("Order", id).orElseThrow().active();
        assertThat(active.store()).isEqualTo("other");
        assertThat(raw(stores.other(), active.streamId()).get(0).schemaVersion()).isEqualTo(3);
        assertThat(orders.load(id).customer()).isEqualTo("ada");
    }

    @Test
    void theLazyStrategyIsGlobalAndAPerObjectMigrationWithItRunsNothing() {
        String id = writeV1Order();
        ObjectDocument before = stores.documents().get("Order", id).orElseThrow();
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withStrategy(MigrationStrategy.LAZY_TRANSFORM)
                .execute())
                .isInstanceOf(LazyTransformIsGlobalException.class)
                .hasMessageContaining("registered once on EventStreams")
                .hasMessageContaining("OrderPlaced v2")
                .satisfies(e -> assertThat(((LazyTransformIsGlobalException) e).registeredUpcasters()).isEqualTo(2));
        assertThatThrownBy(() -> migrations.forDocument("Order", id).withStrategy(MigrationStrategy.LAZY_TRANSFORM)
                .dryRun()).isInstanceOf(LazyTransformIsGlobalException.class);
        assertThat(stores.documents().get("Order", id).orElseThrow().etag()).isEqualTo(before.etag());
        assertThat(stores.routing().active()).isEmpty();
        assertThat(stores.other().version("order-" + id + "-v2")).isZero();
    }
}
