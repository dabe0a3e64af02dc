package dev.es.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.event.UnknownEventTypeException;
import dev.es.engine.migration.EventStreamMigrationService;
import dev.es.engine.migration.MigrationStatus;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.transform.EventUpcaster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The copy-and-transform path, with the lazy upcaster off ({@code sample.upcasting.lazy=false}): a migration with
 * {@link OrderUpcasting#ORDER_PLACED_V1_TO_V2} ({@code POST /admin/migrations/{id}?upcast=true}) writes
 * {@code OrderPlaced} v2 to its target, with the event's id; one without it copies v1 as it is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "sample.upcasting.lazy=false")
@Timeout(60)
class CopyAndTransformUpcastingTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private ApplicationContext context;

    @Autowired
    private EventStreams streams;

    @Autowired
    private EventSerializer serializer;

    @Autowired
    private EventStreamMigrationService migrations;

    @Autowired
    private AggregateRepository<Order> orders;

    @Test
    void aMigrationWithTheTransformerWritesV2ToItsTarget() throws Exception {
        assertThat(context.getBeansOfType(EventUpcaster.class)).as("no lazy transform here").isEmpty();
        String placedId = LazyUpcastingTest.writeV1Order(streams, serializer, "copy-1");
        assertThatThrownBy(() -> orders.load("copy-1")).as("v1 is not readable without an upcaster")
                .isInstanceOf(UnknownEventTypeException.class);

        SampleHttp http = new SampleHttp(port);
        String migrationId = http.post("/admin/migrations/copy-1?targetStore=archive&upcast=true", null, 202)
                .get("migrationId").asString();
        http.awaitMigration(migrationId, m -> "COMPLETED".equals(m.get("status").asString()), Duration.ofSeconds(30));

        List<StoredEvent> target = streams.stores().get("archive").read("order-copy-1-v2", 1, 10);
        assertThat(target).hasSize(2);
        assertThat(target.get(0).eventId()).isEqualTo(placedId);
        assertThat(target.get(0).type()).isEqualTo("OrderPlaced");
        assertThat(target.get(0).schemaVersion()).isEqualTo(2);
        JsonNode v2 = json.readTree(target.get(0).payload());
        assertThat(v2.get("customer").asString()).isEqualTo("ada");
        assertThat(v2.get("currency").asString()).isEqualTo("EUR");
        Order order = orders.load("copy-1");
        assertThat(order.currency()).isEqualTo("EUR");
        assertThat(order.notes()).containsExactly("written by v1");
        assertThat(http.get("/orders/copy-1", 200).get("currency").asString()).isEqualTo("EUR");
    }

    @Test
    void aMigrationWithoutTheTransformerCopiesV1AsItIs() {
        LazyUpcastingTest.writeV1Order(streams, serializer, "copy-2");

        assertThat(migrations.forDocument(Order.OBJECT_NAME, "copy-2").withTargetStore("archive").execute().status())
                .isEqualTo(MigrationStatus.COMPLETED);

        assertThat(streams.stores().get("archive").read("order-copy-2-v2", 1, 10).get(0).schemaVersion())
                .isEqualTo(1);
    }
}
