package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.event.EventData;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.store.ExpectedVersion;
import dev.es.engine.stream.EventStreams;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lazy transform (the default): an order written with {@code OrderPlaced} v1 reads as v2 through the
 * {@link OrderUpcasting} bean, and nothing is written: the store still holds v1.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Timeout(30)
class LazyUpcastingTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    private EventStreams streams;

    @Autowired
    private EventSerializer serializer;

    @Autowired
    private AggregateRepository<Order> orders;

    @Test
    void aV1OrderReadsAsV2AndStaysV1InTheStore() {
        String placedId = writeV1Order(streams, serializer, "lazy-1");

        Order order = orders.load("lazy-1");
        assertThat(order.customer()).isEqualTo("ada");
        assertThat(order.currency()).isEqualTo(OrderUpcasting.V1_CURRENCY);
        assertThat(order.notes()).containsExactly("written by v1");

        List<StoredEvent> read;
        try (Stream<StoredEvent> events = streams.find(Order.OBJECT_NAME, "lazy-1").orElseThrow().readAll()) {
            read = events.toList();
        }
        assertThat(read.get(0).eventId()).isEqualTo(placedId);
        assertThat(read.get(0).schemaVersion()).isEqualTo(2);
        JsonNode v2 = json.readTree(read.get(0).payload());
        assertThat(v2.get("customer").asString()).isEqualTo("ada");
        assertThat(v2.get("currency").asString()).isEqualTo("EUR");
        assertThat(serializer.deserialize(read.get(0))).isEqualTo(new OrderPlaced("ada", "EUR"));

        StoredEvent stored = streams.stores().get("main").read("order-lazy-1", 1, 10).get(0);
        assertThat(stored.schemaVersion()).as("nothing was written").isEqualTo(1);
        assertThat(stored.payload()).doesNotContain("currency");
        assertThat(streams.stores().get("main").version("order-lazy-1")).isEqualTo(2);
    }

    /** An order as the sample wrote it before {@code OrderPlaced} v2: its first event's id. */
    static String writeV1Order(EventStreams streams, EventSerializer serializer, String orderId) {
        EventData placed = new EventData(null, "OrderPlaced", 1, "{\"customer\":\"ada\"}", Map.of());
        streams.open(Order.OBJECT_NAME, orderId).append(ExpectedVersion.noStream(),
                List.of(placed, serializer.serialize(new NoteAdded("written by v1"))));
        return placed.eventId();
    }
}
