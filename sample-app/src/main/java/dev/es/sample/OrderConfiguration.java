package dev.es.sample;

import dev.es.engine.aggregate.AggregateRepository;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.stream.EventStreams;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires orders to the auto-configured {@link EventStreams} and {@link EventSerializer}. */
@Configuration(proxyBeanMethods = false)
class OrderConfiguration {

    @Bean
    AggregateRepository<Order> orderRepository(EventStreams streams, EventSerializer serializer) {
        serializer.register(OrderPlaced.class, "OrderPlaced", OrderPlaced.SCHEMA_VERSION)
                .register(NoteAdded.class, "NoteAdded");
        return new AggregateRepository<>(Order.OBJECT_NAME, Order::new, streams, serializer);
    }
}
