package dev.es.autoconfigure;

import dev.es.engine.document.DocumentStore;
import dev.es.engine.event.EventSerializer;
import dev.es.engine.store.EventStoreRegistry;
import dev.es.engine.stream.EventStreamListener;
import dev.es.engine.stream.EventStreamSettings;
import dev.es.engine.stream.EventStreams;
import dev.es.engine.tag.TagStore;
import dev.es.engine.transform.EventUpcaster;
import dev.es.engine.transform.UpcasterChain;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link EventStreams} for writers and readers, and the {@link EventSerializer} on the application's Jackson 3 mapper.
 * Every {@link EventUpcaster} bean, in {@code @Order}/{@code Ordered} order, is registered on the streams as a lazy
 * upcaster (applied on read, nothing copied); a transformer is registered as lazy with an
 * {@code EventUpcaster.lazy(transformer)} bean, which fails start-up when the transformer is not one-to-one.
 */
@AutoConfiguration(after = EsStoresAutoConfiguration.class,
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnEsEnabled
public final class EsStreamsAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EsStreamsAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    EventSerializer eventSerializer(ObjectProvider<JsonMapper> jsonMapper) {
        JsonMapper mapper = jsonMapper.getIfAvailable();
        return mapper == null ? new EventSerializer() : new EventSerializer(mapper);
    }

    @Bean
    @ConditionalOnMissingBean
    EventStreams eventStreams(EventStoreRegistry stores, DocumentStore documents, TagStore tags,
                              EventStreamSettings settings, EsProperties properties,
                              ObjectProvider<EventStreamListener> listeners,
                              ObjectProvider<EventUpcaster> upcasterBeans) {
        EventStreamListener listener = Listeners.streams(listeners.orderedStream().toList());
        List<EventUpcaster> upcasters = upcasterBeans.orderedStream().toList();
        if (!upcasters.isEmpty()) {
            log.info("es: {} lazy upcaster(s) applied on read, in this order: {}", upcasters.size(), upcasters);
        }
        return new EventStreams(stores, documents, tags, settings, properties.getDefaultStore(), listener,
                UpcasterChain.of(upcasters));
    }
}
