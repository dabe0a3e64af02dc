package dev.es.test.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.EventData;
import dev.es.engine.lock.memory.InMemoryLockProvider;
import dev.es.engine.migration.DefaultEventStreamMigrationService;
import dev.es.engine.migration.InMemoryMigrationRoutingTable;
import dev.es.engine.store.EventStore;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.memory.InMemoryDocumentStore;
import dev.es.engine.store.memory.InMemoryEventStore;
import dev.es.engine.store.memory.InMemoryTagStore;
import dev.es.engine.stream.EventStream;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.stream.StreamVersion;
import dev.es.engine.transform.CompositeTransformer;
import dev.es.engine.transform.EventTransformer;
import dev.es.engine.transform.FunctionTransformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The history checker is tested itself: a good history (exact and {@code any()} writers, a refused append, a
 * migration that renames, splits and drops) passes; a lost, a duplicated, a reordered event, a lost update on an
 * exact version and a refused append that landed each make it fail, naming what. Everything runs on real memory
 * stores; the faulty histories are made by writing behind the recorder's back, as a faulty store would.
 */
@Timeout(30)
class HistoryCheckerTest {

    private final InMemoryEventStore main = new InMemoryEventStore("main");
    private final InMemoryEventStore other = new InMemoryEventStore("other");
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final EventStreams streams = instance();
    private final History history = new History();
    private final HistoryChecker checker = new HistoryChecker(Lineage.byMetadata().dropping("Noise"::equals));

    private EventStreams instance() {
        return new EventStreams(EventStoreRegistry.of(main, other), documents, new InMemoryTagStore(),
                EventStreamSettings.defaults(), "main");
    }

    private static EventData event(String type) {
        String id = UUID.randomUUID().toString();
        return new EventData(id, type, 1, "{}", Map.of(Lineage.ORIGIN, id));
    }

    private void any(String writer, EventStream stream, EventData... events) {
        history.append(writer, "i1", stream.objectName(), stream.objectId(), List.of(events), "any", null,
                () -> stream.append(ExpectedVersion.any(), List.of(events)));
    }

    /** An exact append decided on what {@code stream} reads now. */
    private void exact(String writer, EventStream stream, EventData... events) {
        List<String> seen = new ArrayList<>();
        StreamVersion at = stream.replay(e -> seen.add(Lineage.byMetadata().originOf().apply(e)));
        history.append(writer, "i1", stream.objectName(), stream.objectId(), List.of(events), "exactly", seen,
                () -> stream.append(at, List.of(events)));
    }

    private HistoryChecker.Report check() {
        return checker.check(history, instance());
    }

    @Test
    void aGoodHistoryPassesAcrossAMigrationThatRenamesSplitsAndDrops() {
        EventStream a = streams.open("Order", "1");
        EventStream b = streams.open("Order", "1");
        exact("w1", a, event("Placed"), event("Noise"));
        any("w2", b, event("Note"));
        EventStream stale = streams.open("Order", "1");
        StreamVersion staleAt = stale.replay(e -> { });
        exact("w1", a, event("Split"));
        EventData refused = event("Note");
        assertThatThrownBy(() -> history.append("w3", "i1", "Order", "1", List.of(refused), "exactly", List.of(),
                () -> stale.append(staleAt, List.of(refused)))).isInstanceOf(RuntimeException.class);

        EventTransformer transformer = new CompositeTransformer(List.of(
                FunctionTransformer.many("Noise", e -> List.of()),
                FunctionTransformer.many("Split", e -> List.of(
                        new EventData(e.eventId(), "Half", 1, "{}", e.metadata()),
                        new EventData(e.eventId(), "Half", 1, "{}", e.metadata()))),
                FunctionTransformer.of("Note", e -> new EventData(e.eventId(), "Remark", 1, "{}", e.metadata()))));
        try (var migrations = new DefaultEventStreamMigrationService(streams, new InMemoryLockProvider(),
                new InMemoryMigrationRoutingTable())) {
            assertThat(migrations.forDocument("Order", "1").withTargetStore("other").withTransformer(transformer)
                    .execute().isSuccess()).isTrue();
        }
        exact("w1", a, event("Shipped"));
        any("w2", b, event("Note"));

        HistoryChecker.Report report = check().assertValid();
        assertThat(report.objects()).isEqualTo(1);
        assertThat(report.events()).isEqualTo(6); // Placed, Remark, Half, Half, Shipped, Note
        assertThat(history.count(Outcome.CONFLICT)).isEqualTo(1);
    }

    @Test
    void aLostEventFailsTheCheck() {
        EventStream s = streams.open("Order", "2");
        any("w1", s, event("Placed"));
        EventData lost = event("Note");
        history.record("w1", "i1", "Order", "2", List.of(lost), "any", null, Outcome.OK, null); // never written

        assertThat(check().violations()).singleElement().asString()
                .contains("acknowledged event " + lost.eventId()).contains("lost");
    }

    @Test
    void aDuplicatedEventFailsTheCheck() {
        EventStream s = streams.open("Order", "3");
        EventData placed = event("Placed");
        any("w1", s, placed);
        any("w1", s, event("Note"));
        // a second copy of the first event, as a migration that copied it twice under a new id would leave
        main.append("order-3", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID().toString(), "Placed",
                1, "{}", Map.of(Lineage.ORIGIN, placed.eventId()))));

        assertThat(check().violations()).anySatisfy(v -> assertThat(v)
                .contains("copies of event " + placed.eventId()).contains("duplicated"));
    }

    @Test
    void aReorderedEventFailsTheCheck() {
        EventStream s = streams.open("Order", "4");
        any("w1", s, event("Placed"));
        EventData first = event("Note");
        EventData second = event("Note");
        EventStore store = main;
        store.append("order-4", ExpectedVersion.any(), List.of(second)); // the store put them the other way round
        store.append("order-4", ExpectedVersion.any(), List.of(first));
        history.record("w1", "i1", "Order", "4", List.of(first), "any", null, Outcome.OK, null);
        history.record("w1", "i1", "Order", "4", List.of(second), "any", null, Outcome.OK, null);

        assertThat(check().violations()).singleElement().asString().contains("reordered")
                .contains(first.eventId()).contains(second.eventId());
    }

    @Test
    void aLostUpdateOnAnExactVersionFailsTheCheck() {
        EventStream s = streams.open("Order", "5");
        EventData placed = event("Placed");
        exact("w1", s, placed);
        // two writers read [placed] and both append on that version; a store that let both through lost an update
        EventData mine = event("Note");
        EventData theirs = event("Note");
        s.append(ExpectedVersion.exactly(1), List.of(mine));
        s.append(ExpectedVersion.any(), List.of(theirs));
        history.record("w1", "i1", "Order", "5", List.of(mine), "exactly(1)", List.of(placed.eventId()), Outcome.OK,
                null);
        history.record("w2", "i2", "Order", "5", List.of(theirs), "exactly(1)", List.of(placed.eventId()),
                Outcome.OK, null);

        assertThat(check().violations()).singleElement().asString().contains("lost update")
                .contains(theirs.eventId()).contains(mine.eventId());
    }

    @Test
    void aRefusedAppendThatLandedAndAnUnrecordedEventFailTheCheck() {
        EventStream s = streams.open("Order", "6");
        any("w1", s, event("Placed"));
        EventData refused = event("Note");
        s.append(ExpectedVersion.any(), List.of(refused));
        history.record("w1", "i1", "Order", "6", List.of(refused), "exactly(0)", List.of(), Outcome.CONFLICT, null);
        EventData phantom = event("Note");
        s.append(ExpectedVersion.any(), List.of(phantom));

        assertThat(check().violations()).hasSize(2)
                .anySatisfy(v -> assertThat(v).contains(refused.eventId()).contains("refused"))
                .anySatisfy(v -> assertThat(v).contains(phantom.eventId()).contains("no recorded attempt"));
    }

    @Test
    void anUnknownOutcomeMayBeThereOnceOrNotAtAll() {
        EventStream s = streams.open("Order", "7");
        any("w1", s, event("Placed"));
        EventData landed = event("Note");
        s.append(ExpectedVersion.any(), List.of(landed));
        history.record("w1", "i1", "Order", "7", List.of(landed), "any", null, Outcome.UNKNOWN, null);
        history.record("w1", "i1", "Order", "7", List.of(event("Note")), "any", null, Outcome.UNKNOWN, null);

        check().assertValid();
    }

    @Test
    void aClosedActiveStreamFailsTheCheck() {
        EventStream s = streams.open("Order", "8");
        any("w1", s, event("Placed"));
        main.append("order-8", ExpectedVersion.exactly(1), List.of(new dev.es.engine.event.CloseEvent("order-8-v2",
                "other", "test", null, 1, 0, java.time.Instant.now()).toEventData()));

        assertThat(check().violations()).anySatisfy(v -> assertThat(v).contains("active stream")
                .contains("is closed"));
        assertThatThrownBy(() -> check().assertValid()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("history violation");
    }
}
