package dev.es.sample;

import dev.es.engine.event.EventData;
import dev.es.engine.event.InvalidEventException;
import dev.es.engine.event.StoredEvent;
import dev.es.engine.transform.EventTransformer;
import dev.es.engine.transform.EventUpcaster;
import dev.es.engine.transform.FunctionTransformer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schema change of {@code OrderPlaced}: version 1 ({@code {"customer":"ada"}}) becomes version 2
 * ({@code {"customer":"ada","currency":"EUR"}}, every order before the change was in euros). One function, used two
 * ways:
 * <ul>
 *   <li><b>lazy transform</b>: the {@link EventUpcaster} bean below raises v1 events to v2 whenever they are read
 *   (aggregates, {@code readAll()}), writing nothing; on unless {@code sample.upcasting.lazy=false};</li>
 *   <li><b>copy and transform</b>: {@link #ORDER_PLACED_V1_TO_V2} given to a migration
 *   ({@code withTransformer}, {@code POST /admin/migrations/{id}?upcast=true}) writes v2 events to the target.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class OrderUpcasting {

    /** The currency of every order placed before {@code OrderPlaced} v2. */
    public static final String V1_CURRENCY = "EUR";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** {@code OrderPlaced} v1 to v2, keeping the event's id and metadata: the transformer of a copy migration. */
    public static final EventTransformer ORDER_PLACED_V1_TO_V2 =
            FunctionTransformer.upcast("OrderPlaced", 1, OrderUpcasting::toV2);

    /** Raises {@code OrderPlaced} v1 to v2 on every read (lazy transform). */
    @Bean
    @Order(1)
    @ConditionalOnBooleanProperty(name = "sample.upcasting.lazy", matchIfMissing = true)
    EventUpcaster orderPlacedV1ToV2() {
        return EventUpcaster.lazy(ORDER_PLACED_V1_TO_V2);
    }

    static EventData toV2(StoredEvent v1) {
        JsonNode payload;
        try {
            payload = JSON.readTree(v1.payload());
        } catch (JacksonException e) {
            throw new InvalidEventException("OrderPlaced v1 event " + v1.eventId() + " is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (!(payload instanceof ObjectNode object) || !payload.path("customer").isString()) {
            throw new InvalidEventException("OrderPlaced v1 event " + v1.eventId()
                    + " has no customer; a v1 payload is {\"customer\":\"...\"}, was " + v1.payload());
        }
        ObjectNode v2 = object.deepCopy();
        v2.put("currency", V1_CURRENCY);
        return new EventData(v1.eventId(), v1.type(), OrderPlaced.SCHEMA_VERSION, JSON.writeValueAsString(v2),
                v1.metadata());
    }
}
