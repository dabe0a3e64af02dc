package dev.es.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.event.CloseEvent;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.store.WrongExpectedVersionException;
import dev.es.engine.stream.EventStreamsFixture;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregateRepositoryTest {

    private final EventStreamsFixture fx = new EventStreamsFixture();
    private final EventSerializer serializer = new EventSerializer()
            .register(Order.OrderPlaced.class, "OrderPlaced")
            .register(Order.NoteAdded.class, "NoteAdded");
    private final AggregateRepository<Order> orders = new AggregateRepository<>("Order", Order::new, fx.streams,
            serializer);

    @Test
    void roundTrip() {
        Order order = orders.create("1");
        order.place("ada");
        order.addNote("first");
        orders.save(order);
        assertThat(order.version()).isEqualTo(2);
        assertThat(order.uncommittedEvents()).isEmpty();

        Order loaded = orders.load("1");
        assertThat(loaded.id()).isEqualTo("1");
        assertThat(loaded.customer()).isEqualTo("ada");
        assertThat(loaded.notes()).containsExactly("first");
        assertThat(loaded.version()).isEqualTo(2);

        loaded.addNote("second");
        orders.save(loaded);
        assertThat(orders.load("1").notes()).containsExactly("first", "second");
    }

    @Test
    void concurrentModificationIsAConflict() {
        Order order = orders.create("2");
        order.place("bob");
        orders.save(order);
        Order a = orders.load("2");
        Order b = orders.load("2");
        a.addNote("from a");
        orders.save(a);
        b.addNote("from b");
        assertThatThrownBy(() -> orders.save(b)).isInstanceOf(WrongExpectedVersionException.class);
        assertThat(orders.load("2").notes()).containsExactly("from a");
    }

    @Test
    void creatingAnExistingAggregateFailsOnSave() {
        Order order = orders.create("3");
        order.place("cy");
        orders.save(order);
        Order again = orders.create("3");
        again.place("dan");
        assertThatThrownBy(() -> orders.save(again)).isInstanceOf(WrongExpectedVersionException.class);
    }

    @Test
    void loadingAMissingAggregateIsATypedError() {
        assertThatThrownBy(() -> orders.load("nope")).isInstanceOf(AggregateNotFoundException.class)
                .hasMessageContaining("nope");
        assertThat(orders.find("nope")).isEmpty();
    }

    @Test
    void anAggregateLoadedBeforeAMigrationSavesOntoTheTarget() {
        Order order = orders.create("4");
        order.place("eve");
        order.addNote("one");
        orders.save(order);
        Order loaded = orders.load("4");

        // a migration copies the stream to the other store and closes the source at version 2
        List<StoredEvent> source = fx.main.read("order-4", 1, 100);
        fx.other.append("order-4-v2", ExpectedVersion.noStream(), source.stream().map(StoredEvent::toEventData).toList());
        fx.main.append("order-4", ExpectedVersion.exactly(2), List.of(
                new CloseEvent("order-4-v2", "other", "migration", "m-1", 2, 2, Instant.now()).toEventData()));

        loaded.addNote("two");
        orders.save(loaded);
        assertThat(fx.other.version("order-4-v2")).isEqualTo(3);
        assertThat(orders.load("4").notes()).containsExactly("one", "two");
    }

    @Test
    void aRetriedSaveReusesTheSameEventIds() {
        Order order = orders.create("5");
        order.place("fay");
        var first = order.pending(serializer::serialize);
        var second = order.pending(serializer::serialize);
        assertThat(second).extracting(e -> e.eventId()).isEqualTo(first.stream().map(e -> e.eventId()).toList());
    }

    @Test
    void anEventWithoutAHandlerIsAClearError() {
        Order order = orders.create("6");
        assertThatThrownBy(() -> order.apply("a string")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("java.lang.String");
    }
}
